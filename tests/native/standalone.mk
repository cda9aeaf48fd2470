# Builds the native kernel with the top-level makefile's flags, whether or not
# GNUmakefile includes mk/native.mk yet:
#   make -f tests/native/standalone.mk [B=dir] native | native-check | run-native
include GNUmakefile
ifndef NATIVE_SRC
include mk/native.mk
endif
.DEFAULT_GOAL := native
