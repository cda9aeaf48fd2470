# Builds and tests the ring-3 programs without the top-level GNUmakefile:
#   make -f tests/user/standalone.mk [user | user-check | user-clean]
B ?= build
.DEFAULT_GOAL := user
include mk/user.mk

.PHONY: user-clean
user-clean:
	rm -rf $(USER_B)/user $(USER_B)/user-obj $(USER_B)/examples
