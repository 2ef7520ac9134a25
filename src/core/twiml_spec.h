/*
 * twiml_spec: the TwiML vocabulary that the builder in twiml.c enforces, as data. For each verb
 * and noun: its name, the attributes Twilio documents for it with the type of their values,
 * the elements it may contain and whether it holds text. Internal to the core library.
 */
#ifndef DIALTONE_TWIML_SPEC_H
#define DIALTONE_TWIML_SPEC_H

enum twiml_el {
    DT_TWIML_RESPONSE,
    DT_TWIML_SAY,
    DT_TWIML_PLAY,
    DT_TWIML_PAUSE,
    DT_TWIML_GATHER,
    DT_TWIML_RECORD,
    DT_TWIML_ENQUEUE,
    DT_TWIML_LEAVE,
    DT_TWIML_DIAL,
    DT_TWIML_NUMBER,
    DT_TWIML_SIP,
    DT_TWIML_CLIENT,
    DT_TWIML_CONFERENCE,
    DT_TWIML_QUEUE,
    DT_TWIML_REDIRECT,
    DT_TWIML_HANGUP,
    DT_TWIML_NELEMS
};

/* The bit of element e in a children mask. */
#define DT_TWIML_BIT(e) (1u << (e))

enum twiml_vtype {
    DT_TWIML_V_ANY,     /* any text */
    DT_TWIML_V_UINT,    /* a whole number, 0..999999999 */
    DT_TWIML_V_BOOL,    /* true or false */
    DT_TWIML_V_METHOD,  /* GET or POST */
    DT_TWIML_V_KEYS,    /* keypad keys 0-9 * #, possibly none */
    DT_TWIML_V_DIGITS,  /* keys and the pauses w (0.5 s) and W (1 s) */
    DT_TWIML_V_TIMEOUT, /* a whole number or "auto" */
    DT_TWIML_V_ENUM,    /* one of .values */
    DT_TWIML_V_LIST,    /* one or more of .values, separated by spaces */
};

struct twiml_attrdef {
    const char *name;
    enum twiml_vtype type;
    const char *const *values; /* DT_TWIML_V_ENUM and DT_TWIML_V_LIST; NULL-terminated */
};

enum twiml_flags {
    DT_TWIML_F_TEXT = 1,          /* may hold text */
    DT_TWIML_F_NEEDS_CONTENT = 2, /* must hold text or an element when closed */
    DT_TWIML_F_SOLO = 4,          /* must be its parent's only child */
};

struct twiml_elemdef {
    const char *name;
    const struct twiml_attrdef *attrs[3]; /* attribute groups, unused ones NULL */
    unsigned children;                    /* DT_TWIML_BIT() of each element allowed inside */
    unsigned max_children;                /* 0: no limit */
    unsigned flags;                       /* enum twiml_flags */
};

/* One row per element, indexed by enum twiml_el. */
extern const struct twiml_elemdef twiml_elems[DT_TWIML_NELEMS];

/* The element called name (case-sensitive), or -1. */
int twiml_spec_element(const char *name);

/*
 * The index of attribute name among element el's attributes (counted across its groups, below
 * 64) with its definition in *def, or -1 if el has no such attribute.
 */
int twiml_spec_attr(enum twiml_el el, const char *name, const struct twiml_attrdef **def);

/* NULL if value suits the attribute's type, else a static description of what it must be. */
const char *twiml_spec_check(const struct twiml_attrdef *a, const char *value);

#endif
