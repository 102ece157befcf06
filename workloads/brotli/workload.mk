# brotli: compression round trips through the system's brotli (the
# firmware's from Debian's source of the installed version), over a text
# assembled in (text.S: .incbin of alice29.txt, which -MMD does not see).
brotli_LDLIBS := -lbrotlienc -lbrotlidec
brotli_OBJS := $(OBJ)/workloads/brotli/text.o
$(OBJ)/workloads/brotli/text.o: workloads/brotli/alice29.txt
$(OBJ)/workloads/brotli/text.o: EXTRA_ASFLAGS = -Iworkloads/brotli
