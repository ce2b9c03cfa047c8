/*
 * libxml2 side of `pnpm bench c14n` (issue #20): parse + canonicalize one document in a loop, in
 * process, and report the rate, so ocauth's rows are measured against libxml2 itself rather than
 * against xmllint's process start. Built at bench time (see stream.bench.mjs):
 *     cc $(xml2-config --cflags) -O2 -o libxml2-c14n-bench libxml2-c14n-bench.c $(xml2-config --libs)
 *
 * usage: libxml2-c14n-bench FILE MODE ITERATIONS [ID]
 *   MODE  exc | 1.0 | 1.1   (comments omitted)
 *   ID    canonicalize only the subtree of the element whose wsu:Id, Id or xml:id is ID (found by a
 *         walk of the tree, rendered through a visibility callback: no XPath)
 * Prints "<operations per second> <output bytes>" and writes the last output to FILE.c14n.
 * Each iteration: xmlReadMemory (XML_PARSE_NONET), canonicalize, free the output and the document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/c14n.h>
#include <libxml/xmlIO.h>

static const char *WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
static const char *XMLNS_XML = "http://www.w3.org/XML/1998/namespace";

static int has_id(xmlNodePtr el, const char *id) {
  for (xmlAttrPtr a = el->properties; a != NULL; a = a->next) {
    const char *ns = a->ns ? (const char *)a->ns->href : NULL;
    int named = (strcmp((const char *)a->name, "Id") == 0 && (ns == NULL || strcmp(ns, WSU) == 0)) ||
                (strcmp((const char *)a->name, "id") == 0 && ns != NULL && strcmp(ns, XMLNS_XML) == 0);
    if (!named || a->children == NULL || a->children->content == NULL) continue;
    if (strcmp((const char *)a->children->content, id) == 0) return 1;
  }
  return 0;
}

static xmlNodePtr find(xmlNodePtr n, const char *id) {
  for (; n != NULL; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (has_id(n, id)) return n;
    xmlNodePtr r = find(n->children, id);
    if (r != NULL) return r;
  }
  return NULL;
}

/* Visible: the apex and everything under it (namespace nodes judged by their element). */
static int visible(void *apex, xmlNodePtr node, xmlNodePtr parent) {
  xmlNodePtr n = node->type == XML_NAMESPACE_DECL ? parent : node;
  for (; n != NULL; n = n->parent) if (n == (xmlNodePtr)apex) return 1;
  return 0;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s FILE exc|1.0|1.1 ITERATIONS [ID]\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 2; }
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc(len + 1);
  if (fread(buf, 1, len, f) != (size_t)len) { perror("read"); return 2; }
  fclose(f);
  int mode = strcmp(argv[2], "exc") == 0 ? XML_C14N_EXCLUSIVE_1_0 : strcmp(argv[2], "1.1") == 0 ? XML_C14N_1_1 : XML_C14N_1_0;
  int iterations = atoi(argv[3]);
  const char *id = argc > 4 ? argv[4] : NULL;
  xmlInitParser();
  xmlChar *last = NULL;
  int lastLen = 0;
  double t0 = now();
  for (int i = 0; i < iterations; i++) {
    xmlDocPtr doc = xmlReadMemory(buf, (int)len, "input.xml", NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
    if (doc == NULL) { fprintf(stderr, "parse failed\n"); return 1; }
    xmlChar *out = NULL;
    int n;
    if (id == NULL) {
      n = xmlC14NDocDumpMemory(doc, NULL, mode, NULL, 0, &out);
    } else {
      xmlNodePtr apex = find(doc->children, id);
      if (apex == NULL) { fprintf(stderr, "no element with Id %s\n", id); return 1; }
      xmlOutputBufferPtr ob = xmlAllocOutputBuffer(NULL);
      n = xmlC14NExecute(doc, visible, apex, mode, NULL, 0, ob);
      if (n >= 0) {
        n = xmlOutputBufferGetSize(ob);
        out = xmlStrndup(xmlOutputBufferGetContent(ob), n);
      }
      xmlOutputBufferClose(ob);
    }
    if (n < 0) { fprintf(stderr, "c14n failed\n"); return 1; }
    if (i == iterations - 1) { last = out; lastLen = n; } else xmlFree(out);
    xmlFreeDoc(doc);
  }
  double t = now() - t0;
  char *path = malloc(strlen(argv[1]) + 6);
  sprintf(path, "%s.c14n", argv[1]);
  FILE *o = fopen(path, "wb");
  fwrite(last, 1, lastLen, o);
  fclose(o);
  printf("%.3f %d\n", iterations / t, lastLen);
  return 0;
}
