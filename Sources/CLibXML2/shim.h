#ifndef MEDCLAIMS_CLIBXML2_SHIM_H
#define MEDCLAIMS_CLIBXML2_SHIM_H

#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#include <libxml/parser.h>

/// `xmlFree` is a global function pointer in libxml2, which Swift 6 refuses to touch as a
/// shared mutable global. Calling it from a C inline function keeps Swift out of it.
static inline void medclaims_xmlFree(void *pointer) { xmlFree(pointer); }

#endif
