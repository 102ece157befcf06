/* text.S: the brotli workload's input, alice29.txt next to this file, as
 * read-only data: ef_brotli_text[ef_brotli_text_bytes] (text.h).
 *
 * alice29.txt is Lewis Carroll's "Alice's Adventures in Wonderland" (1865,
 * public domain) as the Canterbury corpus has it (taken from the copy in
 * Debian's snappy 1.1.9 source, testdata/alice29.txt), with CR LF line ends
 * turned into LF and the blank lines before the title removed: 148,461
 * bytes of English prose.  The PMP firmware holds only its first
 * EF_TEXT_BYTES (Makefile: PMP_BROTLI_MAX). */
	.section .rodata.ef_brotli_text, "a"
	.globl ef_brotli_text
	.globl ef_brotli_text_bytes
	.balign 16
ef_brotli_text:
#ifdef EF_TEXT_BYTES   /* the firmware's: only the text it uses */
	.incbin "alice29.txt", 0, EF_TEXT_BYTES
#else
	.incbin "alice29.txt"
#endif
1:
	.balign 4
ef_brotli_text_bytes:
	.long 1b - ef_brotli_text
	.section .note.GNU-stack, "", %progbits
