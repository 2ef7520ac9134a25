/* placeholder until the errors subcommand lands */
#include <stdio.h>
#include "cmd/cmd.h"
static int cmd_errors_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dialtone errors: not built yet\n");
    return 1;
}
const struct cmd_entry cmd_errors_entry = {.name = "errors", .args = "", .summary = "", .main = cmd_errors_main};
