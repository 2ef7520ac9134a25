/*
 * errors: explains a Twilio error code or a SIP response code from the compiled dictionary
 * (Twilio's message and dialtone's category, action and flags), or searches the dictionary.
 * Text by default, JSON with --json.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "dialtone/errors.h"
#include "dialtone/inifile.h"
#include "dialtone/util.h"

#define DOCS_URL "https://www.twilio.com/docs/errors/"

struct errors_opts {
    const char *search; /* --search WORD */
    const char *sip;    /* --sip CODE */
    const char *code;   /* the positional CODE */
    int json;
};

static const struct option errors_options[] = {
    {.name = "search", .has_arg = required_argument, .val = 's'},
    {.name = "sip", .has_arg = required_argument, .val = 'S'},
    {.name = "json", .has_arg = no_argument, .val = 'j'},
    {.name = "help", .has_arg = no_argument, .val = 'h'},
    {.name = NULL},
};

static void print_help(void)
{
    printf("usage: dialtone errors %s\n\n"
           "Explains a Twilio error code: Twilio's message, and dialtone's category, advice\n"
           "and flags (retryable, bad number).\n"
           "  CODE                 a Twilio error code, such as 21211\n"
           "  -S, --sip CODE       explain a SIP response code, such as 486\n"
           "  -s, --search WORD    list the codes whose code starts with WORD (digits), or\n"
           "                       whose text contains WORD (any case)\n"
           "  -j, --json           print JSON (with any of the above)\n",
           cmd_errors_entry.args);
}

/* Decimal digits only, at most 9 of them; -1 otherwise. */
static long parse_number(const char *s)
{
    long v;
    return inifile_long(s, 9, 0, 999999999, &v) == 0 ? v : -1;
}

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct errors_opts *o)
{
    memset(o, 0, sizeof *o);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":s:S:jh", errors_options, NULL)) != -1) {
        switch (c) {
        case 's':
            o->search = optarg;
            break;
        case 'S':
            o->sip = optarg;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'h':
            print_help();
            return 0;
        case ':':
            fprintf(stderr, "dialtone errors: %s needs a value\n", argv[optind - 1]);
            return cmd_usage(&cmd_errors_entry);
        default:
            fprintf(stderr, "dialtone errors: unknown option '%s'\n", argv[optind - 1]);
            return cmd_usage(&cmd_errors_entry);
        }
    }
    int rest = argc - optind, modes = (o->search != NULL) + (o->sip != NULL);
    if (modes > 1 || (modes == 1 && rest != 0) || (modes == 0 && rest != 1))
        return cmd_usage(&cmd_errors_entry);
    if (rest == 1)
        o->code = argv[optind];
    return -1;
}

/* ---- text ---------------------------------------------------------------------------------- */

static void print_text(const struct errors_entry *e)
{
    if (e->code)
        printf("code:        %d\n", e->code);
    else
        printf("code:        - (not in Twilio's dictionary)\n");
    printf("level:       %s\n", errors_level_name(e->level));
    printf("product:     %s\n", e->product[0] ? e->product : "-");
    printf("message:     %s\n", e->message);
    printf("category:    %s (%s)\n", errors_category_name(e->category),
           errors_category_label(e->category));
    printf("action:      %s\n", e->action);
    printf("retryable:   %s\n", e->retryable ? "yes" : "no");
    printf("bad number:  %s\n", e->bad_number ? "yes" : "no");
    if (e->code)
        printf("docs:        " DOCS_URL "%d\n", e->code);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static cJSON *entry_json(const struct errors_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    if (e->code)
        cJSON_AddNumberToObject(o, "code", e->code);
    else
        cJSON_AddNullToObject(o, "code");
    cJSON_AddStringToObject(o, "level", errors_level_name(e->level));
    cJSON_AddStringToObject(o, "product", e->product);
    cJSON_AddStringToObject(o, "message", e->message);
    cJSON_AddStringToObject(o, "category", errors_category_name(e->category));
    cJSON_AddStringToObject(o, "category_label", errors_category_label(e->category));
    cJSON_AddStringToObject(o, "action", e->action);
    cJSON_AddBoolToObject(o, "retryable", e->retryable);
    cJSON_AddBoolToObject(o, "bad_number", e->bad_number);
    if (e->code) {
        char url[64];
        snprintf(url, sizeof url, DOCS_URL "%d", e->code);
        cJSON_AddStringToObject(o, "url", url);
    } else {
        cJSON_AddNullToObject(o, "url");
    }
    return o;
}

/* Prints and frees j; returns the exit status. */
static int print_json(cJSON *j)
{
    char *s = j ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    if (!s) {
        fprintf(stderr, "dialtone errors: out of memory\n");
        return 1;
    }
    printf("%s\n", s);
    cJSON_free(s);
    return 0;
}

/* ---- the three modes ----------------------------------------------------------------------- */

static int explain_code(const struct errors_opts *o)
{
    long code = parse_number(o->code);
    if (code < 0) {
        fprintf(stderr, "dialtone errors: '%s' is not an error code (digits only)\n", o->code);
        return cmd_usage(&cmd_errors_entry);
    }
    const struct errors_entry *e = errors_lookup((int)code);
    if (!e) {
        fprintf(stderr, "dialtone errors: %ld is not in Twilio's error dictionary (%zu codes)\n",
                code, errors_count());
        const struct errors_entry *guess = errors_explain((int)code);
        if (guess->category != DT_ERRCAT_OTHER)
            fprintf(stderr, "dialtone errors: codes near it are about: %s\n",
                    errors_category_label(guess->category));
        return 1;
    }
    if (o->json)
        return print_json(entry_json(e));
    print_text(e);
    return 0;
}

static int explain_sip(const struct errors_opts *o)
{
    long sip = parse_number(o->sip);
    if (sip < 0) {
        fprintf(stderr, "dialtone errors: '%s' is not a SIP response code (digits only)\n", o->sip);
        return cmd_usage(&cmd_errors_entry);
    }
    const struct errors_entry *e = errors_lookup_sip((int)sip);
    if (!e) {
        fprintf(stderr, "dialtone errors: %ld is not a SIP response code (100 to 699)\n", sip);
        return 1;
    }
    const char *reason = errors_sip_reason((int)sip);
    if (o->json) {
        cJSON *j = entry_json(e);
        if (j) {
            cJSON_AddNumberToObject(j, "sip", (double)sip);
            if (reason)
                cJSON_AddStringToObject(j, "reason", reason);
            else
                cJSON_AddNullToObject(j, "reason");
        }
        return print_json(j);
    }
    printf("sip:         %ld%s%s\n", sip, reason ? " " : "", reason ? reason : "");
    print_text(e);
    return 0;
}

static int print_match_text(const struct errors_entry *e, void *ctx)
{
    (void)ctx;
    printf("%-6d  %-13s  %s\n", e->code, errors_category_name(e->category), e->message);
    return 0;
}

static int add_match_json(const struct errors_entry *e, void *ctx)
{
    cJSON *item = entry_json(e);
    if (!item)
        return 1;
    cJSON_AddItemToArray(ctx, item);
    return 0;
}

static int search(const struct errors_opts *o)
{
    cJSON *arr = o->json ? cJSON_CreateArray() : NULL;
    if (o->json && !arr)
        return print_json(NULL);
    int n = errors_search(o->search, o->json ? add_match_json : print_match_text, arr);
    if (n < 0) {
        cJSON_Delete(arr);
        fprintf(stderr, "dialtone errors: %s\n",
                n == DT_ETOOBIG ? "search word too long" : "empty search word");
        return cmd_usage(&cmd_errors_entry);
    }
    if (n == 0) {
        cJSON_Delete(arr);
        fprintf(stderr, "dialtone errors: nothing matches '%s'\n", o->search);
        return 1;
    }
    return o->json ? print_json(arr) : 0;
}

static int cmd_errors_main(int argc, char **argv)
{
    struct errors_opts o;
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (o.search)
        return search(&o);
    if (o.sip)
        return explain_sip(&o);
    return explain_code(&o);
}

const struct cmd_entry cmd_errors_entry = {
    .name = "errors",
    .args = "CODE | --sip CODE | --search WORD",
    .summary = "explain a Twilio error or SIP response code",
    .main = cmd_errors_main,
};
