/* gadget.c: libefmpkgadget.so, a foreign library whose code holds the bytes
 * of wrpkru inside another instruction (mov $0xef010f, %eax is b8 0f 01 ef
 * 00).  A rewrite would change what that instruction does, so the sealed
 * policy must refuse the library set that holds it (test_mpk.c). */
__asm__(".globl efmg_constant\n"
	".type efmg_constant, @function\n"
	"efmg_constant:\n"
	"	mov $0xef010f, %eax\n"
	"	ret\n"
	".size efmg_constant, . - efmg_constant\n");
