/* prose.h: the input of ubench's validate_utf8_prose, written by the host
 * (not by the foreign library, which holds no text): English prose, mostly
 * ASCII (prose.c says what it is). */
#ifndef EFUB_PROSE_H
#define EFUB_PROSE_H

#include <stddef.h>

/* n bytes of the prose, repeated as often as it takes; a character that
 * does not fit whole at the end is replaced by spaces. */
void efub_fill_prose(void *buf, size_t n);

#endif
