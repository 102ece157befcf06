/* text.h: the input of the brotli workload (text.S): a public-domain
 * English text of 148,461 bytes. */
#ifndef EF_BROTLI_TEXT_H
#define EF_BROTLI_TEXT_H

#include <stdint.h>

extern const char ef_brotli_text[];
extern const uint32_t ef_brotli_text_bytes;

#endif
