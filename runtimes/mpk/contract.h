/* contract.h: the mpk runtime's side of runtime.h (x86-64 protection keys,
 * see mpk.h). */
#include "mpk.h"

#define EF_RT_OPEN(d, set) ef_mpk_open(d, set, NULL)
#define EF_RT_ERROR() ef_mpk_error()
#define EF_RT_CLOSE ef_mpk_close
#define EF_RT_INVOKE EF_MPK_INVOKE
#define EF_RT_INVOKE_VOID EF_MPK_INVOKE_VOID
#define EF_RT_CALLBACK_ADDRESS ef_mpk_callback_address
#define EF_RT_FAULT ef_mpk_fault_message
