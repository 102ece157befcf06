/* contract.h: the sfi runtime's side of runtime.h (WebAssembly through
 * wasm2c, see sfi.h): a call is its function's typed wrapper (calls.h). */
#include "sfi.h"
#include "calls.h"

#define EF_RT_OPEN(d, set) ef_sfi_open(d, set)
#define EF_RT_ERROR() ef_sfi_error()
#define EF_RT_CLOSE ef_sfi_close
#define EF_RT_INVOKE(d, fn, ...) ef_sfi_call_##fn(d __VA_OPT__(,) __VA_ARGS__)
#define EF_RT_INVOKE_VOID(d, fn, ...) ((void)ef_sfi_call_##fn(d __VA_OPT__(,) __VA_ARGS__))
#define EF_RT_CALLBACK_ADDRESS ef_sfi_callback_address
#define EF_RT_FAULT ef_sfi_fault_message
