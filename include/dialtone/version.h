/* version: dialtone's version string, printed by `dialtone --version`. */
#ifndef DIALTONE_VERSION_H
#define DIALTONE_VERSION_H

#define DIALTONE_VERSION "0.1.0"

#endif
