# The guest kernel natively in ring 0 (guestos/arch-native/): build/native.elf,
# a multiboot kernel for the bare PC built from the same core as dom0.elf, for
# measuring what paravirtualization costs. Included by GNUmakefile (it uses its
# CC, KCFLAGS, KLDFLAGS, LIBGCC, LIB_SRC, B, QEMU and QEMU_FLAGS); standalone:
#   make -f tests/native/standalone.mk [B=dir] native | native-check | run-native
#
#   make native         $(B)/native.elf
#   make native-check   its tests under QEMU (tests/native/run.sh), including the
#                       ring-3 programs' output against the PV kernel's
#   make run-native     boots it with the example programs as its initrd:
#                       make run-native NATIVE_ARGS="init=hello"

NATIVE_SRC := $(wildcard guestos/core/*.c guestos/arch-x86/*.c guestos/arch-x86/*.S \
	guestos/arch-native/*.c guestos/arch-native/*.S lib/pc/*.c)
NATIVE_OBJ := $(patsubst %,$(B)/native-obj/%.o,$(NATIVE_SRC) $(LIB_SRC))
NATIVE_ARGS ?= selftest

.PHONY: native native-check run-native
native: $(B)/native.elf

$(B)/native-obj/%.o: % | deps-quiet
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(GUEST_SECTIONS) -Iguestos/include -Iguestos/arch-native -DGUEST_NATIVE -MMD -MP -c $< -o $@

$(B)/native.elf: $(NATIVE_OBJ) guestos/arch-native/linker.ld
	$(CC) $(KLDFLAGS) -T guestos/arch-native/linker.ld -o $@ $(NATIVE_OBJ) $(LIBGCC)

native-check: $(B)/native.elf $(B)/hv.elf $(B)/dom0.elf user
	@bash tests/native/run.sh $(B)

run-native: $(B)/native.elf user
	@rm -rf $(B)/native-userland && mkdir -p $(B)/native-userland
	@for elf in $(B)/examples/*.elf; do \
		$(CROSS)strip -o $(B)/native-userland/$$(basename $$elf .elf) $$elf || exit 1; done
	@cd $(B)/native-userland && ls | cpio --quiet -o -H newc >../native-userland.cpio
	@echo "Booting the native kernel under QEMU (Ctrl-A X quits)"
	@$(QEMU) $(QEMU_FLAGS) -kernel $(B)/native.elf \
		-initrd "$(B)/native-userland.cpio $(NATIVE_ARGS)"; \
	status=$$?; echo "QEMU exited with status $$status (1 = powered off cleanly)"
