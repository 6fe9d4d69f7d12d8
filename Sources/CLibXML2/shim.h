#ifndef MEDCLAIMS_CLIBXML2_SHIM_H
#define MEDCLAIMS_CLIBXML2_SHIM_H

/* Debian's libxml2 is built with ICU, and its encoding.h then includes ICU's headers, which
   clash with the ICU copy inside Foundation in any Swift module that imports both. We never
   touch the ICU-specific members, so the headers are read as if ICU were off. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#include <libxml/parser.h>

/// `xmlFree` is a global function pointer in libxml2, which Swift 6 refuses to touch as a
/// shared mutable global. Calling it from a C inline function keeps Swift out of it.
static inline void medclaims_xmlFree(void *pointer) { xmlFree(pointer); }

#endif
