/*
 * migrations: the schema migrations embedded in the binary. The table is generated at build
 * time by src/tools/embed_migrations from data/migrations/NNNN_name.sql, sorted by version
 * with unique versions of 1 or more; store_open() applies the ones a database lacks.
 */
#ifndef DIALTONE_MIGRATIONS_H
#define DIALTONE_MIGRATIONS_H

struct migrations_entry {
    int version;      /* NNNN from the file name */
    const char *name; /* the file name's part after "NNNN_", without ".sql" */
    const char *sql;  /* the file's text, byte for byte */
};

/* migrations_count entries, sorted by version; static, never freed. */
extern const struct migrations_entry migrations_table[];
extern const int migrations_count;

#endif
