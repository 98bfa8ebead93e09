// libFuzzer's driver, called from the targets' own main: SwiftPM links an executable's main
// under its module's name, so libFuzzer's main() is never linked in.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
