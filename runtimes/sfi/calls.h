/* calls.h: ef_sfi_call_<fn>, one typed wrapper per foreign function the
 * workloads call (EF_RT_INVOKE pastes the name), over the exports wasm2c
 * generated (build/gen/sfi/sfi_<module>.h).  Each takes the host's
 * arguments with the native prototype's types (pointers as void *), turns
 * pointers into offsets in the instance's memory and sizes into wasm32's
 * 4-byte size_t, calls the export under the gate (sfi.h), and turns a
 * returned offset back into a host pointer.
 *
 * A function whose wasm signature differs from what is written here does
 * not compile: the generated prototypes are in scope. */
#ifndef EF_SFI_CALLS_H
#define EF_SFI_CALLS_H

#include "sfi.h"
#include "../ef_seq.h"

#include "sfi_brotli.h"
#include "sfi_sodium.h"
#include "sfi_sfitest.h"
#include "sfi_ubench.h"

extern const ef_sfi_module ef_sfi_module_ubench, ef_sfi_module_sodium,
	ef_sfi_module_brotli, ef_sfi_module_sfitest;

#define EF_SFI_INST(m) ((Z_##m##_instance_t *)ef_s_->inst)
#define EF_SFI_P(p) ef_sfi_ptr(ef_s_, (p))
#define EF_SFI_CALL(d, m, T, fn, ...) \
	EF_SFI_GATE(d, ef_sfi_module_##m, T, Z_##m##Z_##fn(EF_SFI_INST(m), ##__VA_ARGS__))
#define EF_SFI_CALL_VOID(d, m, fn, ...) \
	EF_SFI_GATE_VOID(d, ef_sfi_module_##m, Z_##m##Z_##fn(EF_SFI_INST(m), ##__VA_ARGS__))

/* ubench (workloads/ubench/foreign.c). */
#define EF_SFI_ARGS_PARAM(i) , uint64_t a##i
#define EF_SFI_ARGS_ARG(i) , a##i
#define EF_SFI_ARGS(n)                                                          \
	static inline uint64_t ef_sfi_call_efub_args##n(                        \
		ef_domain *d EF_SEQ_##n(EF_SFI_ARGS_PARAM))                     \
	{                                                                       \
		return EF_SFI_GATE(d, ef_sfi_module_ubench, uint64_t,           \
			Z_ubenchZ_efub_args##n(EF_SFI_INST(ubench)              \
					       EF_SEQ_##n(EF_SFI_ARGS_ARG)));   \
	}
EF_SFI_ARGS(0) EF_SFI_ARGS(1) EF_SFI_ARGS(2) EF_SFI_ARGS(3) EF_SFI_ARGS(4)
EF_SFI_ARGS(5) EF_SFI_ARGS(6) EF_SFI_ARGS(7) EF_SFI_ARGS(10) EF_SFI_ARGS(25)
EF_SFI_ARGS(50) EF_SFI_ARGS(100)

static inline const void *ef_sfi_call_efub_pass(ef_domain *d, const void *p)
{
	return EF_SFI_GATE(d, ef_sfi_module_ubench, const void *,
		ef_sfi_host(ef_s_, Z_ubenchZ_efub_pass(EF_SFI_INST(ubench), EF_SFI_P(p))));
}

static inline void ef_sfi_call_efub_fill(ef_domain *d, void *buf, size_t n, int kind)
{
	EF_SFI_CALL_VOID(d, ubench, efub_fill, EF_SFI_P(buf), ef_sfi_size(n),
			 (uint32_t)kind);
}

/* A callback is a function table index (ef_sfi_callback_address). */
static inline uint64_t ef_sfi_call_efub_call_back(
	ef_domain *d, uint64_t (*cb)(uint64_t, uint64_t, uint64_t, uint64_t,
				     uint64_t, uint64_t), uint64_t x)
{
	return EF_SFI_CALL(d, ubench, uint64_t, efub_call_back,
			   (uint32_t)(uintptr_t)cb, x);
}

static inline void ef_sfi_call_efub_store(ef_domain *d, uint64_t *p, uint64_t v)
{
	EF_SFI_CALL_VOID(d, ubench, efub_store, EF_SFI_P(p), v);
}

/* libsodium: the sodium and hmac sets share its module. */
static inline int ef_sfi_call_sodium_init(ef_domain *d)
{
	return (int)EF_SFI_CALL(d, sodium, uint32_t, sodium_init);
}

static inline int ef_sfi_call_crypto_generichash(
	ef_domain *d, void *out, size_t outlen, const void *in,
	unsigned long long inlen, const void *key, size_t keylen)
{
	return (int)EF_SFI_CALL(d, sodium, uint32_t, crypto_generichash,
				EF_SFI_P(out), ef_sfi_size(outlen), EF_SFI_P(in),
				(uint64_t)inlen, EF_SFI_P(key), ef_sfi_size(keylen));
}

static inline void ef_sfi_call_randombytes_buf(ef_domain *d, void *buf, size_t n)
{
	EF_SFI_CALL_VOID(d, sodium, randombytes_buf, EF_SFI_P(buf), ef_sfi_size(n));
}

static inline int ef_sfi_call_crypto_secretbox_easy(
	ef_domain *d, void *c, const void *m, unsigned long long mlen,
	const void *n, const void *k)
{
	return (int)EF_SFI_CALL(d, sodium, uint32_t, crypto_secretbox_easy,
				EF_SFI_P(c), EF_SFI_P(m), (uint64_t)mlen,
				EF_SFI_P(n), EF_SFI_P(k));
}

static inline int ef_sfi_call_crypto_secretbox_open_easy(
	ef_domain *d, void *m, const void *c, unsigned long long clen,
	const void *n, const void *k)
{
	return (int)EF_SFI_CALL(d, sodium, uint32_t, crypto_secretbox_open_easy,
				EF_SFI_P(m), EF_SFI_P(c), (uint64_t)clen,
				EF_SFI_P(n), EF_SFI_P(k));
}

static inline int ef_sfi_call_crypto_auth_hmacsha256_init(
	ef_domain *d, void *state, const void *key, size_t keylen)
{
	return (int)EF_SFI_CALL(d, sodium, uint32_t, crypto_auth_hmacsha256_init,
				EF_SFI_P(state), EF_SFI_P(key), ef_sfi_size(keylen));
}

static inline int ef_sfi_call_crypto_auth_hmacsha256_update(
	ef_domain *d, void *state, const void *in, unsigned long long inlen)
{
	return (int)EF_SFI_CALL(d, sodium, uint32_t, crypto_auth_hmacsha256_update,
				EF_SFI_P(state), EF_SFI_P(in), (uint64_t)inlen);
}

static inline int ef_sfi_call_crypto_auth_hmacsha256_final(
	ef_domain *d, void *state, void *out)
{
	return (int)EF_SFI_CALL(d, sodium, uint32_t, crypto_auth_hmacsha256_final,
				EF_SFI_P(state), EF_SFI_P(out));
}

/* brotli: the size_t words it reads and writes go through 4-byte slots
 * (sfi.h, ef_sfi_size_in); the results are BROTLI_BOOL and
 * BrotliDecoderResult, ints. */
static inline int ef_sfi_call_BrotliEncoderCompress(
	ef_domain *d, int quality, int lgwin, int mode, size_t input_size,
	const void *input, size_t *encoded_size, void *encoded)
{
	return EF_SFI_GATE(d, ef_sfi_module_brotli, int, __extension__({
		uint32_t ef_slot_ = ef_sfi_size_in(ef_s_, encoded_size);
		int ef_rc_ = (int)Z_brotliZ_BrotliEncoderCompress(EF_SFI_INST(brotli),
			(uint32_t)quality, (uint32_t)lgwin, (uint32_t)mode,
			ef_sfi_size(input_size), EF_SFI_P(input), ef_slot_,
			EF_SFI_P(encoded));
		ef_sfi_size_out(encoded_size, ef_slot_);
		ef_rc_;
	}));
}

static inline int ef_sfi_call_BrotliDecoderDecompress(
	ef_domain *d, size_t encoded_size, const void *encoded,
	size_t *decoded_size, void *decoded)
{
	return EF_SFI_GATE(d, ef_sfi_module_brotli, int, __extension__({
		uint32_t ef_slot_ = ef_sfi_size_in(ef_s_, decoded_size);
		int ef_rc_ = (int)Z_brotliZ_BrotliDecoderDecompress(EF_SFI_INST(brotli),
			ef_sfi_size(encoded_size), EF_SFI_P(encoded), ef_slot_,
			EF_SFI_P(decoded));
		ef_sfi_size_out(decoded_size, ef_slot_);
		ef_rc_;
	}));
}

#endif
