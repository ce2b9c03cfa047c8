/*
 * LD_PRELOAD shim for a client-side defect of Debian 12's pidgin-sipe (1.25.0) with Debian 12's
 * libxml2 (2.9.14): sipe-xml.c passes xmlSAXUserParseMemory() a handler filled with SAX1 callbacks
 * (startElement/endElement) but marked `initialized = XML_SAX2_MAGIC` with no SAX2 callbacks, so
 * libxml2 calls none of them and SIPE parses no XML at all (no MEX, no WS-Trust response, no
 * GetAndPublishCert response). This shim hands libxml2 a copy of such a handler marked as SAX1
 * (initialized = 1, what xmlSAXVersion(h, 1) sets). Handlers that carry SAX2 callbacks pass unchanged.
 * Nothing on the wire changes: the server sees exactly what SIPE sends.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <libxml/parser.h>

typedef int (*parse_fn)(xmlSAXHandlerPtr, void *, const char *, int);

int xmlSAXUserParseMemory(xmlSAXHandlerPtr sax, void *user_data, const char *buffer, int size)
{
	static parse_fn real;
	static int announced;
	if (!real) real = (parse_fn)dlsym(RTLD_NEXT, "xmlSAXUserParseMemory");
	if (!real) return -1;
	if (sax && sax->initialized == XML_SAX2_MAGIC && !sax->startElementNs && !sax->endElementNs &&
	    (sax->startElement || sax->endElement)) {
		xmlSAXHandler copy;
		memcpy(&copy, sax, sizeof copy);
		copy.initialized = 1;
		if (!announced) {
			announced = 1;
			fprintf(stderr, "sax1-shim: SAX1 handler marked XML_SAX2_MAGIC handed to libxml2 as SAX1\n");
		}
		return real(&copy, user_data, buffer, size);
	}
	return real(sax, user_data, buffer, size);
}
