/* contract.h: the proc runtime's side of runtime.h (process isolation,
 * see proc.h). */
#include "proc.h"

#define EF_RT_OPEN(d, set) ef_proc_open(d, set)
#define EF_RT_ERROR() ef_proc_error()
#define EF_RT_CLOSE ef_proc_close
#define EF_RT_INVOKE EF_PROC_INVOKE
#define EF_RT_INVOKE_VOID EF_PROC_INVOKE_VOID
#define EF_RT_CALLBACK_ADDRESS ef_proc_callback_address
#define EF_RT_FAULT ef_proc_fault_message
