/* runtime.h: the contract between the mode layer (ef_mode.h) and a runtime.
 *
 * The model.  A runtime is an isolation mechanism: how a domain's memory is
 * obtained and protected and how a call enters it (mock: none, for validate
 * mode; mpk: x86 protection keys; pmp: RISC-V physical memory protection).
 * A workload's host side is one source compiled once per mode and, for the
 * isolating modes (invoke, full), once per runtime that can run on the
 * machine; a target (harness/target.h) is a runtime on a machine (the mpk
 * runtime here, the pmp runtime in QEMU's virt board).
 *
 * A runtime lives in runtimes/<name>/ and is chosen by name at build time:
 * its objects are compiled with -DEF_RUNTIME=<name>, and this header then
 * includes runtimes/<name>/contract.h, which must define every hook below.
 * A hook it lacks stops the build with the hook's name and the file that
 * should define it.  Hooks are macros so that the gate inlines into the
 * measured loop; each may call the runtime's own functions.
 */
#ifndef EF_RUNTIME_H
#define EF_RUNTIME_H

#include "ef.h"

#ifndef EF_RUNTIME
#error "compile with -DEF_RUNTIME=<name of a folder under runtimes/>"
#endif

#define EF_RT_STR_(x) #x
#define EF_RT_STR(x) EF_RT_STR_(x)
#include EF_RT_STR(EF_RUNTIME/contract.h)

#define EF_RT_LACKS_(rt, hook) \
	_Pragma(EF_RT_STR(GCC error EF_RT_STR(runtimes/rt/contract.h does not define hook)))
#define EF_RT_LACKS(rt, hook) EF_RT_LACKS_(rt, hook)

/* ef_status EF_RT_OPEN(ef_domain *d, const char *set): open domain d over
 * the library set `set` (the mpk runtime loads libefstub-<set>.so). */
#ifndef EF_RT_OPEN
EF_RT_LACKS(EF_RUNTIME, EF_RT_OPEN(d, set))
#endif
/* const char *EF_RT_ERROR(void): why the last open failed beyond its
 * status, "" when nothing more is known. */
#ifndef EF_RT_ERROR
EF_RT_LACKS(EF_RUNTIME, EF_RT_ERROR())
#endif
/* void EF_RT_CLOSE(ef_domain *d): close an open domain. */
#ifndef EF_RT_CLOSE
EF_RT_LACKS(EF_RUNTIME, EF_RT_CLOSE(d))
#endif
/* EF_RT_INVOKE(d, fn, args...): call foreign function fn in domain d, give
 * its result, and advance the domain's epoch (ef_epoch_advance). */
#ifndef EF_RT_INVOKE
EF_RT_LACKS(EF_RUNTIME, EF_RT_INVOKE(d, fn, ...))
#endif
/* EF_RT_INVOKE_VOID(d, fn, args...): the same for a function without a
 * result, as a statement. */
#ifndef EF_RT_INVOKE_VOID
EF_RT_LACKS(EF_RUNTIME, EF_RT_INVOKE_VOID(d, fn, ...))
#endif
/* void *EF_RT_CALLBACK_ADDRESS(ef_domain *d, unsigned slot): the address
 * foreign code calls to reach callback slot `slot` of d (ef_callback_add). */
#ifndef EF_RT_CALLBACK_ADDRESS
EF_RT_LACKS(EF_RUNTIME, EF_RT_CALLBACK_ADDRESS(d, slot))
#endif
/* const char *EF_RT_FAULT(const ef_domain *d, char *buf, size_t len): NULL
 * while every call into d since it was opened worked; else why one did not
 * (foreign code faulted, a call was refused), written to buf. */
#ifndef EF_RT_FAULT
EF_RT_LACKS(EF_RUNTIME, EF_RT_FAULT(d, buf, len))
#endif

#endif
