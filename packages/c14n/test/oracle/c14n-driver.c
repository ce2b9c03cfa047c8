/*
 * c14n-driver: a small batch oracle over libxml2's canonicalizer (xmlC14NDocDumpMemory), used by
 * @ocauth/c14n's tests to compare our output with libxml2's byte for byte.
 *
 * Build: cc $(xml2-config --cflags) -O1 -o c14n-driver c14n-driver.c $(xml2-config --libs)
 *
 * Protocol (stdin → stdout, binary safe, many cases per process). A case is a sequence of records
 *     <key> <decimal length>\n<length bytes>\n
 * keys:
 *     M  mode: "1.0" | "1.1" | "exc"                              (default "1.0")
 *     C  with comments: "0" | "1"                                  (default "0")
 *     P  one InclusiveNamespaces prefix ("#default" for the default namespace); repeatable
 *     N  XPath namespace binding "prefix uri"; repeatable
 *     X  XPath 1.0 expression selecting the node set (all nodes, namespace nodes included);
 *        absent: the whole document
 *     I  node set by document-order indexes "I J K ..." (numbered as in the L answer below); each
 *        selected element brings all of its in-scope namespace nodes — the node set a DOM node set
 *        (which has no namespace nodes) stands for
 *     F  input file path (xmlReadFile: relative DTD / external entities resolve next to it)
 *     D  input document bytes (xmlReadMemory)
 *     G  (length 0) run the case and reset the state
 *     L  (length 0) like G, but describe the XPath node set instead of canonicalizing it (below)
 * Each G / L answers one record on stdout:
 *     OK <length>\n<canonical octets>\n    or    ERR <length>\n<libxml2 messages>\n
 * An L answer's body is three lines: "sel I J K ..." — the document-order indexes of the selected
 * elements, attributes (xmlns declarations are not attributes), text/CDATA, comment and PI nodes,
 * numbering those node kinds from 0 over the whole document — and "ns full" when the selected
 * namespace nodes are exactly the in-scope namespaces of the selected elements, else "ns partial"
 * (a subset that a DOM node set, which has no namespace nodes, cannot express), then "nodes N",
 * the number of nodes so numbered.
 * Documents are parsed as libxml2's own c14n regression tests do: XML_PARSE_DTDATTR |
 * XML_PARSE_NOENT (default attributes added, entities substituted), no network.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/c14n.h>

#define MAX_LIST 256

static char errbuf[8192];
static size_t errlen;

static void collect_error(void *ctx, const char *fmt, ...) {
    va_list ap;
    (void)ctx;
    if (errlen >= sizeof(errbuf) - 1) return;
    va_start(ap, fmt);
    int n = vsnprintf(errbuf + errlen, sizeof(errbuf) - errlen, fmt, ap);
    va_end(ap);
    if (n > 0) errlen += (size_t)n;
    if (errlen > sizeof(errbuf) - 1) errlen = sizeof(errbuf) - 1;
}

static void reply(const char *tag, const unsigned char *bytes, size_t len) {
    fprintf(stdout, "%s %zu\n", tag, len);
    if (len) fwrite(bytes, 1, len, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

/* Reads one record; returns 0 at clean EOF, -1 on a protocol error. */
static int read_record(char *key, unsigned char **val, size_t *len) {
    char line[64];
    if (!fgets(line, sizeof line, stdin)) return 0;
    if (sscanf(line, "%1s %zu", key, len) != 2) return -1;
    *val = malloc(*len + 1);
    if (!*val) return -1;
    if (*len && fread(*val, 1, *len, stdin) != *len) return -1;
    (*val)[*len] = 0;
    if (fgetc(stdin) != '\n') return -1;
    return 1;
}

struct kase {
    int mode, with_comments;
    char *prefixes[MAX_LIST + 1];
    int nprefixes;
    char *ns_prefix[MAX_LIST], *ns_uri[MAX_LIST];
    int nns;
    char *xpath;
    char *indexes;
    char *file;
    unsigned char *doc;
    size_t doclen;
};

static void reset(struct kase *k) {
    for (int i = 0; i < k->nprefixes; i++) free(k->prefixes[i]);
    for (int i = 0; i < k->nns; i++) free(k->ns_prefix[i]); /* ns_uri points into the same block */
    free(k->xpath); free(k->indexes); free(k->file); free(k->doc);
    memset(k, 0, sizeof *k);
    k->mode = XML_C14N_1_0;
}

struct sbuf { char *p; size_t len, cap; };
static void sb_add(struct sbuf *b, const char *s) {
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) { b->cap = (b->len + n + 1) * 2; b->p = realloc(b->p, b->cap); }
    memcpy(b->p + b->len, s, n + 1); b->len += n;
}

static int in_set(xmlNodeSetPtr set, xmlNodePtr n) { return xmlXPathNodeSetContains(set, n); }

/* Is namespace prefix `prefix` of element `el` among the set's namespace nodes? */
static int ns_in_set(xmlNodeSetPtr set, xmlNodePtr el, const xmlChar *prefix) {
    for (int i = 0; set && i < set->nodeNr; i++) {
        xmlNodePtr n = set->nodeTab[i];
        if (n->type != XML_NAMESPACE_DECL) continue;
        xmlNsPtr ns = (xmlNsPtr)n;
        if ((xmlNodePtr)ns->next == el && xmlStrEqual(ns->prefix, prefix)) return 1;
    }
    return 0;
}

static void describe_walk(xmlNodePtr n, xmlNodeSetPtr set, long *idx, struct sbuf *sel, int *partial) {
    char num[32];
    for (; n; n = n->next) {
        switch (n->type) {
        case XML_ELEMENT_NODE: {
            if (in_set(set, n)) {
                snprintf(num, sizeof num, " %ld", *idx); sb_add(sel, num);
                xmlNsPtr *list = xmlGetNsList(n->doc, n);
                for (xmlNsPtr *l = list; l && *l; l++) {
                    if ((*l)->href == NULL || (*l)->href[0] == 0) continue; /* xmlns="" is no namespace node */
                    if (!ns_in_set(set, n, (*l)->prefix)) *partial = 1;
                }
                if (list) xmlFree(list);
            }
            (*idx)++;
            for (xmlAttrPtr a = n->properties; a; a = a->next) {
                if (in_set(set, (xmlNodePtr)a)) { snprintf(num, sizeof num, " %ld", *idx); sb_add(sel, num); }
                (*idx)++;
            }
            describe_walk(n->children, set, idx, sel, partial);
            break;
        }
        case XML_TEXT_NODE: case XML_CDATA_SECTION_NODE: case XML_COMMENT_NODE: case XML_PI_NODE:
            if (in_set(set, n)) { snprintf(num, sizeof num, " %ld", *idx); sb_add(sel, num); }
            (*idx)++;
            break;
        case XML_ENTITY_REF_NODE:
            break;
        default:
            break;
        }
    }
}

static void describe(xmlDocPtr doc, xmlNodeSetPtr set) {
    struct sbuf b = { 0 };
    long idx = 0;
    int partial = 0;
    sb_add(&b, "sel");
    describe_walk(doc->children, set, &idx, &b, &partial);
    /* a namespace node whose element is not selected is also beyond a DOM node set */
    for (int i = 0; set && i < set->nodeNr; i++) {
        xmlNodePtr n = set->nodeTab[i];
        if (n->type == XML_NAMESPACE_DECL) {
            xmlNsPtr ns = (xmlNsPtr)n;
            if (ns->next && !in_set(set, (xmlNodePtr)ns->next) && !xmlStrEqual(ns->prefix, BAD_CAST "xml")) partial = 1;
        }
    }
    sb_add(&b, partial ? "\nns partial" : "\nns full");
    {
        char num[48];
        snprintf(num, sizeof num, "\nnodes %ld", idx);
        sb_add(&b, num);
    }
    reply("OK", (unsigned char *)b.p, b.len);
    free(b.p);
}

/* Builds the node set named by document-order indexes (see the I record). */
static void index_walk(xmlNodePtr n, long *idx, const long *want, int nwant, int *w, xmlNodeSetPtr set) {
    for (; n; n = n->next) {
        switch (n->type) {
        case XML_ELEMENT_NODE:
            if (*w < nwant && want[*w] == *idx) {
                (*w)++;
                xmlXPathNodeSetAdd(set, n);
                xmlNsPtr *list = xmlGetNsList(n->doc, n);
                /* as libxml2's own namespace axis does, this includes an xmlns="" undeclaration:
                 * its exclusive canonicalizer needs that node to render xmlns="" */
                for (xmlNsPtr *l = list; l && *l; l++)
                    if ((*l)->href != NULL) xmlXPathNodeSetAddNs(set, n, *l);
                if (list) xmlFree(list);
            }
            (*idx)++;
            for (xmlAttrPtr a = n->properties; a; a = a->next) {
                if (*w < nwant && want[*w] == *idx) { (*w)++; xmlXPathNodeSetAdd(set, (xmlNodePtr)a); }
                (*idx)++;
            }
            index_walk(n->children, idx, want, nwant, w, set);
            break;
        case XML_TEXT_NODE: case XML_CDATA_SECTION_NODE: case XML_COMMENT_NODE: case XML_PI_NODE:
            if (*w < nwant && want[*w] == *idx) { (*w)++; xmlXPathNodeSetAdd(set, n); }
            (*idx)++;
            break;
        default:
            break;
        }
    }
}

static xmlXPathObjectPtr index_set(xmlDocPtr doc, const char *spec) {
    long *want = NULL;
    int nwant = 0, cap = 0, w = 0;
    long idx = 0;
    const char *p = spec;
    char *end;
    for (;;) {
        long v = strtol(p, &end, 10);
        if (end == p) break;
        if (nwant == cap) { cap = cap ? cap * 2 : 64; want = realloc(want, (size_t)cap * sizeof *want); }
        want[nwant++] = v;
        p = end;
    }
    xmlXPathObjectPtr obj = xmlXPathNewNodeSet(NULL);
    index_walk(doc->children, &idx, want, nwant, &w, obj->nodesetval);
    free(want);
    return obj;
}

static void run(struct kase *k, int list) {
    const int opts = XML_PARSE_DTDATTR | XML_PARSE_NOENT | XML_PARSE_NOWARNING | XML_PARSE_NONET;
    xmlDocPtr doc;
    xmlXPathContextPtr ctx = NULL;
    xmlXPathObjectPtr obj = NULL;
    xmlChar *out = NULL;
    int n;

    errlen = 0; errbuf[0] = 0;
    if (k->file) doc = xmlReadFile(k->file, NULL, opts);
    else if (k->doc) doc = xmlReadMemory((const char *)k->doc, (int)k->doclen, "input.xml", NULL, opts);
    else { collect_error(NULL, "no input (F or D record)"); doc = NULL; }
    if (!doc) { collect_error(NULL, "\nparse failed"); reply("ERR", (unsigned char *)errbuf, errlen); return; }

    if (k->indexes) {
        obj = index_set(doc, k->indexes);
    } else if (k->xpath) {
        ctx = xmlXPathNewContext(doc);
        for (int i = 0; ctx && i < k->nns; i++) xmlXPathRegisterNs(ctx, BAD_CAST k->ns_prefix[i], BAD_CAST k->ns_uri[i]);
        obj = ctx ? xmlXPathEvalExpression(BAD_CAST k->xpath, ctx) : NULL;
        if (!obj || obj->type != XPATH_NODESET) {
            collect_error(NULL, "\nXPath expression did not evaluate to a node-set");
            reply("ERR", (unsigned char *)errbuf, errlen);
            if (obj) xmlXPathFreeObject(obj);
            if (ctx) xmlXPathFreeContext(ctx);
            xmlFreeDoc(doc);
            return;
        }
    }
    if (list) {
        describe(doc, obj ? obj->nodesetval : NULL);
        if (obj) xmlXPathFreeObject(obj);
        if (ctx) xmlXPathFreeContext(ctx);
        xmlFreeDoc(doc);
        return;
    }
    k->prefixes[k->nprefixes] = NULL;
    n = xmlC14NDocDumpMemory(doc, obj ? obj->nodesetval : NULL, k->mode,
                             k->nprefixes ? (xmlChar **)k->prefixes : NULL, k->with_comments, &out);
    if (n >= 0) reply("OK", out ? out : BAD_CAST "", out ? (size_t)n : 0);
    else { collect_error(NULL, "\nxmlC14NDocDumpMemory failed (%d)", n); reply("ERR", (unsigned char *)errbuf, errlen); }
    if (out) xmlFree(out);
    if (obj) xmlXPathFreeObject(obj);
    if (ctx) xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
}

int main(void) {
    struct kase k;
    char key[2];
    unsigned char *val;
    size_t len;
    int r;

    LIBXML_TEST_VERSION
    xmlSetGenericErrorFunc(NULL, collect_error);
    memset(&k, 0, sizeof k);
    reset(&k);
    while ((r = read_record(key, &val, &len)) == 1) {
        switch (key[0]) {
        case 'M':
            k.mode = !strcmp((char *)val, "exc") ? XML_C14N_EXCLUSIVE_1_0 : !strcmp((char *)val, "1.1") ? XML_C14N_1_1 : XML_C14N_1_0;
            free(val); break;
        case 'C': k.with_comments = val[0] == '1'; free(val); break;
        case 'P': if (k.nprefixes < MAX_LIST) k.prefixes[k.nprefixes++] = (char *)val; else free(val); break;
        case 'N': {
            char *sp = strchr((char *)val, ' ');
            if (!sp || k.nns >= MAX_LIST) { free(val); break; }
            *sp = 0;
            k.ns_prefix[k.nns] = (char *)val; k.ns_uri[k.nns] = sp + 1; k.nns++;
            break;
        }
        case 'X': free(k.xpath); k.xpath = (char *)val; break;
        case 'I': free(k.indexes); k.indexes = (char *)val; break;
        case 'F': free(k.file); k.file = (char *)val; break;
        case 'D': free(k.doc); k.doc = val; k.doclen = len; break;
        case 'G': free(val); run(&k, 0); reset(&k); break;
        case 'L': free(val); run(&k, 1); reset(&k); break;
        default: free(val); fprintf(stderr, "c14n-driver: unknown record '%c'\n", key[0]); return 2;
        }
    }
    reset(&k);
    xmlCleanupParser();
    if (r < 0) { fprintf(stderr, "c14n-driver: protocol error\n"); return 2; }
    return 0;
}
