// libFuzzer's driver entry point, declared for Swift (DESIGN §7). Header only: the symbol comes
// from the libFuzzer runtime that `-sanitize=fuzzer` links, so this module links nothing itself.
// Only `fuzz-adapters` imports it, and only when built with -DFUZZING.
#ifndef CFUZZERDRIVER_H
#define CFUZZERDRIVER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

#endif
