/* contract.h: the pmp runtime's side of runtime.h (rv32 bare metal, see
 * pmp.h). */
#include "pmp.h"

#define EF_RT_OPEN(d, set) ef_pmp_open(d, set)
#define EF_RT_ERROR() ""
#define EF_RT_CLOSE ef_pmp_close
#define EF_RT_INVOKE EF_PMP_INVOKE
#define EF_RT_INVOKE_VOID EF_PMP_INVOKE_VOID
#define EF_RT_CALLBACK_ADDRESS(d, slot) ((void)(d), ef_pmp_callback_address(slot))
#define EF_RT_FAULT ef_pmp_fault_message
