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
#include <libxml/SAX2.h>

/// `xmlFree` is a global function pointer in libxml2, which Swift 6 refuses to touch as a
/// shared mutable global. Calling it from a C inline function keeps Swift out of it.
static inline void medclaims_xmlFree(void *pointer) { xmlFree(pointer); }

/// Plugs an XSD validator into the SAX events of `parser`: `xmlSchemaSAXPlug` keeps the
/// addresses of the parser's handler and user data and writes them back on unplugging, so
/// they are taken here, in C, where `&parser->sax` is the field itself (Swift's `&` on a
/// pointee's field may hand over a temporary).
static inline xmlSchemaSAXPlugPtr medclaims_plugSchema(xmlSchemaValidCtxtPtr validation, xmlParserCtxtPtr parser) {
    return xmlSchemaSAXPlug(validation, &parser->sax, &parser->userData);
}

/// The line the parser is reading (an `xmlSchemaValidityLocatorFunc` over an
/// `xmlParserCtxtPtr`): what the validator puts on its errors when it follows SAX events.
static inline int medclaims_parserLine(void *parser, const char **file, unsigned long *line) {
    if (file != NULL) *file = NULL;
    if (line != NULL) *line = (unsigned long)xmlSAX2GetLineNumber(parser);
    return 0;
}

#endif
