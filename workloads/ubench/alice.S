/* alice.S: the text of ubench's validate_utf8_prose (prose.c), the brotli
 * workload's alice29.txt as read-only data: efub_alice[efub_alice_bytes].
 * Its own copy, so that ubench builds without the brotli workload.  The
 * PMP firmware holds none (workload.mk: EF_NO_PROSE). */
	.section .rodata.efub_alice, "a"
	.globl efub_alice
	.globl efub_alice_bytes
	.balign 16
efub_alice:
	.incbin "alice29.txt"
1:
	.balign 4
efub_alice_bytes:
	.long 1b - efub_alice
	.section .note.GNU-stack, "", %progbits
