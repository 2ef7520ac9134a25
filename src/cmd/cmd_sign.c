/* placeholder until the sign subcommand lands */
#include <stdio.h>
#include "cmd/cmd.h"
static int cmd_sign_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dialtone sign: not built yet\n");
    return 1;
}
const struct cmd_entry cmd_sign_entry = {.name = "sign", .args = "", .summary = "", .main = cmd_sign_main};
