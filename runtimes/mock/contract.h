/* contract.h: the mock runtime's side of runtime.h (validate mode).  It
 * isolates nothing: a fault in foreign code is the whole process's, so no
 * call is ever reported failed. */
#include "mock.h"

#define EF_RT_OPEN(d, set) ((void)(set), ef_domain_open(d, &ef_mock_runtime, NULL))
#define EF_RT_ERROR() ""
#define EF_RT_CLOSE ef_domain_close
#define EF_RT_INVOKE EF_MOCK_INVOKE
#define EF_RT_INVOKE_VOID EF_MOCK_INVOKE_VOID
#define EF_RT_CALLBACK_ADDRESS(d, slot) ((void)(d), ef_mock_callback_address(slot))
#define EF_RT_FAULT(d, buf, len) ((void)(d), (void)(buf), (void)(len), (const char *)0)
