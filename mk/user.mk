# Ring-3 programs: ordinary C linked against newlib and libc-shim (the int $0x80
# system layer). Included by GNUmakefile; standalone: make -f tests/user/standalone.mk
#
#   make user        $(USER_B)/user/libshim.a, $(USER_B)/user/crt0.o,
#                    $(USER_B)/examples/<name>.elf for every examples/<name>/ and
#                    $(USER_B)/user/tests/<name>.elf for every tests/user/<name>/
#   make user-check  runs them under qemu-i386 (tests/user/run.sh)
#
# newlib comes from ci/build-newlib.sh, which builds it once into a cache outside the
# tree; its install prefix is kept in $(USER_B)/user/newlib.prefix.

# Including this file does not change the includer's default goal.
USER_INCLUDER_GOAL := $(.DEFAULT_GOAL)

USER_B     ?= $(or $(B),build)
USER_CROSS ?= $(or $(CROSS),i686-linux-gnu-)
USER_CC     = $(USER_CROSS)gcc
USER_AR     = $(USER_CROSS)ar

USER_NEWLIB_PREFIX_FILE := $(USER_B)/user/newlib.prefix
# Read when a recipe runs, after the prefix file has been made.
USER_NEWLIB = $(shell cat $(USER_NEWLIB_PREFIX_FILE) 2>/dev/null)
# gcc's own headers (stddef.h, stdarg.h); asked once, when first needed, because
# the cross compiler may only be installed by ci/build-newlib.sh.
USER_GCC_INCLUDE = $(eval USER_GCC_INCLUDE := $$(shell $(USER_CC) -print-file-name=include))$(USER_GCC_INCLUDE)

# -nostdinc: the cross gcc would otherwise find the host's glibc headers. The -U's
# must match newlib's build (ci/build-newlib.sh): newlib is not built for Linux.
USER_CPPFLAGS = -nostdinc -isystem $(USER_GCC_INCLUDE) \
	-isystem $(USER_NEWLIB)/i686-elf/include \
	-U__linux__ -U__gnu_linux__ -Ulinux -U__unix__ -Uunix
USER_CFLAGS = -std=gnu11 -O2 -g -march=i686 -Wall -Wextra -Werror \
	-fno-pie -fno-pic -fno-stack-protector -fno-omit-frame-pointer
USER_LDFLAGS = -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
	-Wl,-z,noexecstack \
	-T libc-shim/user.ld
# newlib calls back into libc-shim (write, sbrk) and libc-shim into newlib (errno,
# memset), so the three archives are searched as a group.
USER_LIBS = -L$(USER_NEWLIB)/i686-elf/lib \
	-Wl,--start-group $(USER_B)/user/libshim.a -lc -lm -lgcc -Wl,--end-group

USER_SHIM_SRC   := $(filter-out libc-shim/crt0.S,$(wildcard libc-shim/*.c libc-shim/*.S))
USER_SHIM_OBJ   := $(patsubst %,$(USER_B)/user-obj/%.o,$(USER_SHIM_SRC))
# Linked into every program as an object, not from the archive: newlib's abort()
# wants raise(), and while ld scans libc.a it would take newlib's signal.o for it,
# whose signal() and raise() clash with ours.
USER_SHIM_DIRECT := $(USER_B)/user-obj/libc-shim/signal.c.o
USER_SHIM_ARCHIVED := $(filter-out $(USER_SHIM_DIRECT),$(USER_SHIM_OBJ))
# A program is a directory: every .c and .S in it, linked into one ELF.
USER_EXAMPLES   := $(patsubst %/,%,$(wildcard examples/*/))
USER_TESTS      := $(patsubst %/,%,$(wildcard tests/user/*/))
USER_PROGRAMS   := $(USER_EXAMPLES) $(USER_TESTS)
USER_ELF_examples = $(USER_B)/examples/$(notdir $(1)).elf
USER_ELF_tests  = $(USER_B)/user/tests/$(notdir $(1)).elf
USER_ELF        = $(call USER_ELF_$(firstword $(subst /, ,$(1))),$(1))

.PHONY: user user-check
user: $(USER_B)/user/libshim.a $(USER_B)/user/crt0.o $(foreach p,$(USER_PROGRAMS),$(call USER_ELF,$(p)))

user-check: user
	@bash tests/user/run.sh $(USER_B)

# Re-run the script when it changes, when the Debian tarball is updated, or when the
# cached prefix has gone; otherwise its answer stands.
$(USER_NEWLIB_PREFIX_FILE): ci/build-newlib.sh $(wildcard /usr/src/newlib/newlib-*.tar.xz) \
		$(if $(wildcard $(USER_NEWLIB)/.complete),,user-newlib-missing)
	@mkdir -p $(@D)
	@bash ci/build-newlib.sh >$@.tmp && tail -n 1 $@.tmp >$@ && rm -f $@.tmp
.PHONY: user-newlib-missing
user-newlib-missing: ;

$(USER_B)/user-obj/libc-shim/%.o: libc-shim/% $(USER_NEWLIB_PREFIX_FILE)
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CPPFLAGS) -Iguestos/include $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_B)/user/crt0.o: libc-shim/crt0.S $(USER_NEWLIB_PREFIX_FILE)
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CPPFLAGS) $(USER_CFLAGS) -c $< -o $@

$(USER_B)/user/libshim.a: $(USER_SHIM_ARCHIVED)
	@mkdir -p $(@D)
	rm -f $@
	$(USER_AR) rcs $@ $^

# Programs may also use libc-shim's internals: raw system calls (shim.h).
$(USER_B)/user-obj/examples/%.o: examples/% $(USER_NEWLIB_PREFIX_FILE)
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CPPFLAGS) -Ilibc-shim -Iguestos/include $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_B)/user-obj/tests/user/%.o: tests/user/% $(USER_NEWLIB_PREFIX_FILE)
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CPPFLAGS) -Ilibc-shim -Iguestos/include $(USER_CFLAGS) -MMD -MP -c $< -o $@

# One link rule per program directory $(1).
define USER_PROGRAM_RULE
USER_OBJ_$(1) := $$(patsubst %,$$(USER_B)/user-obj/%.o,$$(wildcard $(1)/*.c $(1)/*.S))
$(call USER_ELF,$(1)): $$(USER_B)/user/crt0.o $$(USER_OBJ_$(1)) $$(USER_SHIM_DIRECT) \
		$$(USER_B)/user/libshim.a libc-shim/user.ld
	@mkdir -p $$(@D)
	$$(USER_CC) $$(USER_LDFLAGS) -o $$@ $$(USER_B)/user/crt0.o $$(USER_OBJ_$(1)) \
		$$(USER_SHIM_DIRECT) $$(USER_LIBS)
-include $$(USER_OBJ_$(1):.o=.d)
endef
$(foreach p,$(USER_PROGRAMS),$(eval $(call USER_PROGRAM_RULE,$(p))))

-include $(USER_SHIM_OBJ:.o=.d)

.DEFAULT_GOAL := $(USER_INCLUDER_GOAL)
