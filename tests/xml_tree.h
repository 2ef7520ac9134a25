/*
 * xml_tree: a test helper that parses an XML document with expat into a small tree of
 * elements (name, attributes in document order, text, children), so that tests can check what
 * a reader of the document really sees. Header only, like check.h.
 */
#ifndef DIALTONE_XML_TREE_H
#define DIALTONE_XML_TREE_H

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"

struct xt_node {
    char *name;
    char **attrs; /* name, value, ..., NULL */
    struct dt_buf text;
    struct xt_node **kids;
    int nkids;
    struct xt_node *parent;
};

struct xt_tree {
    struct xt_node *root, *cur;
};

static inline void xt_on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xt_tree *tr = ud;
    struct xt_node *n = xcalloc(1, sizeof *n);
    n->name = xstrdup(name);
    size_t na = 0;
    while (atts[na])
        na++;
    n->attrs = xcalloc(na + 1, sizeof *n->attrs);
    for (size_t i = 0; i < na; i++)
        n->attrs[i] = xstrdup(atts[i]);
    dt_buf_init(&n->text);
    n->parent = tr->cur;
    if (!tr->cur) {
        tr->root = n;
    } else {
        struct xt_node *p = tr->cur;
        p->kids = xrealloc(p->kids, (size_t)(p->nkids + 1) * sizeof *p->kids);
        p->kids[p->nkids++] = n;
    }
    tr->cur = n;
}

static inline void xt_on_end(void *ud, const XML_Char *name)
{
    struct xt_tree *tr = ud;
    (void)name;
    tr->cur = tr->cur->parent;
}

static inline void xt_on_text(void *ud, const XML_Char *s, int len)
{
    struct xt_tree *tr = ud;
    dt_buf_append(&tr->cur->text, s, (size_t)len);
}

static inline void xt_free(struct xt_node *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->nkids; i++)
        xt_free(n->kids[i]);
    free(n->kids);
    for (char **a = n->attrs; a && *a; a++)
        free(*a);
    free(n->attrs);
    free(n->name);
    dt_buf_done(&n->text);
    free(n);
}

/* Parses doc; NULL (and a printed reason) when expat finds it not well formed. */
static inline struct xt_node *xt_parse(const char *doc)
{
    struct xt_tree tr = {0};
    XML_Parser p = XML_ParserCreate(NULL);
    XML_SetUserData(p, &tr);
    XML_SetElementHandler(p, xt_on_start, xt_on_end);
    XML_SetCharacterDataHandler(p, xt_on_text);
    int ok = XML_Parse(p, doc, (int)strlen(doc), 1) == XML_STATUS_OK;
    if (!ok)
        printf("  expat: %s at byte %ld\n", XML_ErrorString(XML_GetErrorCode(p)),
               (long)XML_GetCurrentByteIndex(p));
    XML_ParserFree(p);
    if (!ok) {
        xt_free(tr.root);
        return NULL;
    }
    return tr.root;
}

static inline const char *xt_attr(const struct xt_node *n, const char *name)
{
    for (char **a = n ? n->attrs : NULL; a && *a; a += 2)
        if (strcmp(a[0], name) == 0)
            return a[1];
    return NULL;
}

static inline int xt_nattrs(const struct xt_node *n)
{
    int c = 0;
    for (char **a = n->attrs; a && *a; a += 2)
        c++;
    return c;
}

static inline const char *xt_text(const struct xt_node *n)
{
    return n && n->text.data ? n->text.data : "";
}

static inline const struct xt_node *xt_kid(const struct xt_node *n, int i)
{
    static struct xt_node none = {.name = "(missing)"};
    return n && i < n->nkids ? n->kids[i] : &none;
}

#endif
