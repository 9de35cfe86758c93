/* tend-inventory-private.h — what the files of TendInventory share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In layers: each file calls only the files above it in this list, never one below.
 *
 * tend-inventory-fields.c   field tables' machinery, values as text, problems and paths
 * tend-inventory-params.c   the field tables of each kind of check's parameters
 * tend-inventory-scan.c     reading, stage 1: limits and strict syntax
 * tend-inventory.c          the types, the field tables of items, items and inventories
 * tend-inventory-export.c   writing, and the order of items
 * tend-inventory-parser.c   reading, stage 3: fields against their tables
 * tend-inventory-read.c     reading, stage 3: items (their checks' parameters too), the
 *                           document, references, and tend_inventory_validate()
 * tend-inventory-diff.c     diffs
 * tend-inventory-validate.c the last word on a change
 *
 * The words of the file for an enum are the nicks of its GType (tend-types.h).
 */
#pragma once

#include "tend-json-lib.h"

#include "tend-inventory.h"

G_BEGIN_DECLS

#define TEND_INVENTORY_FORMAT_NAME "tend-inventory"

/* The maximum of a number that has none */
#define TEND_INVENTORY_NO_MAX G_MAXINT64

struct _TendInventory
{
  gatomicrefcount  ref_count;
  GPtrArray       *hosts;     /* (element-type TendInventoryHost) (owned) */
  GPtrArray       *services;  /* (element-type TendInventoryService) (owned) */
  GPtrArray       *checks;    /* (element-type TendInventoryCheck) (owned) */
  GPtrArray       *policies;  /* (element-type TendInventoryPolicy) (owned) */
  GHashTable      *config;    /* (element-type utf8 utf8) (owned) */
};

/* Field tables (tend-inventory-fields.c; the tables of items in tend-inventory.c, those
 * of check parameters in tend-inventory-params.c) */

/* Rules for strings. Each appends why @value breaks it to @reason. @i is the position
 * of @value in its list, for rules of list elements.
 */
typedef gboolean (*TendInventoryStringRule) (const char *value,
                                             guint       i,
                                             GString    *reason);

typedef gboolean (*TendInventoryCharClass) (char c);

/* The one form of a string that passed its rule: the form kept, written and compared */
typedef char *(*TendInventoryNormalizer) (const char *value);

typedef enum
{
  TEND_INVENTORY_FIELD_STRING,     /* char *, with a rule */
  TEND_INVENTORY_FIELD_ENUM,       /* an enum, from its type's nicks */
  TEND_INVENTORY_FIELD_INT,        /* int */
  TEND_INVENTORY_FIELD_INT64,      /* gint64 */
  TEND_INVENTORY_FIELD_DOUBLE,     /* double */
  TEND_INVENTORY_FIELD_BOOL,       /* gboolean */
  TEND_INVENTORY_FIELD_DURATION,   /* gint64 µs, written as text */
  TEND_INVENTORY_FIELD_STRV,       /* char **, each element with a rule */
  TEND_INVENTORY_FIELD_INT_LIST,   /* GArray of int */
} TendInventoryFieldType;

typedef enum
{
  TEND_INVENTORY_FIELD_REQUIRED = 1 << 0,  /* the key must be there */
  TEND_INVENTORY_FIELD_NULLABLE = 1 << 1,  /* null (or no key) means not set: NULL or
                                            * TEND_INVENTORY_UNSET */
  TEND_INVENTORY_FIELD_KEY      = 1 << 2,  /* part of what identifies the item */
  TEND_INVENTORY_FIELD_SET      = 1 << 3,  /* lists: no duplicates, and the order does not
                                            * matter */
} TendInventoryFieldFlags;

typedef struct
{
  const char               *name;
  TendInventoryFieldType    type;
  TendInventoryFieldFlags   flags;
  gsize                     offset;
  gint64                    min;        /* numbers, durations, list elements */
  gint64                    max;
  double                    dmin;
  double                    dmax;
  guint                     min_count;  /* lists */
  guint                     max_count;
  gint64                    def;        /* the default of numbers, enums, booleans,
                                         * durations, and the one element of a list's
                                         * default */
  double                    ddef;
  const char               *sdef;
  GType                   (*enum_type) (void);  /* enums: the type, whose nicks are the
                                                 * file's words */
  TendInventoryStringRule   rule;
  TendInventoryNormalizer   normalize;  /* list elements; (nullable) */

  /* For people: docs/reference.md is generated from these and the above
   * (tests/gen-reference.c; `ninja update-reference`), and tested against them. */
  const char               *desc;        /* what the field does, one line */
  const char               *accepts;     /* (nullable) strings: what the rule takes, in words;
                                          * other types: what holds on top of the range */
  const char               *unit;        /* (nullable) of a number: "bytes" */
  const char               *config_key;  /* (nullable) the setting whose value `tendctl` (and
                                          * a service without a policy) takes when the
                                          * field is not given */
  const char               *option;      /* (nullable) how `tendctl` sets it: "--port" */
} TendInventoryField;

typedef struct
{
  const TendInventoryField *fields;
  guint                     n_fields;
} TendInventoryFieldTable;

/* The member of @item that @field describes, as a pointer to @type */
#define TEND_INVENTORY_SLOT(item, field, type) \
  ((type *) G_STRUCT_MEMBER_P ((item), (field)->offset))

extern const TendInventoryFieldTable tend_inventory_host_table;
extern const TendInventoryFieldTable tend_inventory_service_table;
extern const TendInventoryFieldTable tend_inventory_check_table;
extern const TendInventoryFieldTable tend_inventory_policy_table;

/* Rules for strings that tables of items and of parameters use */
gboolean tend_inventory_rule_chars   (const char             *value,
                                      TendInventoryCharClass  is_allowed,
                                      gsize                   max_len,
                                      const char             *rule,
                                      GString                *reason);
gboolean tend_inventory_rule_address (const char             *value,
                                      guint                   i,
                                      GString                *reason);
gboolean tend_inventory_is_host_name (const char             *value);

const TendInventoryField *tend_inventory_table_lookup (const TendInventoryFieldTable *table,
                                                       const char                    *name,
                                                       guint                         *position);

void tend_inventory_fields_init (const TendInventoryFieldTable *table,
                                 gpointer                       item);
void tend_inventory_fields_copy (const TendInventoryFieldTable *table,
                                 gpointer                       item);
void tend_inventory_fields_free (const TendInventoryFieldTable *table,
                                 gpointer                       item);

/* Values as text, in messages and files */
char *tend_inventory_format_duration (gint64 usec);
char *tend_inventory_format_double   (double value);


/* tend-inventory-params.c: the table of a kind of check's parameters, or %NULL if @kind
 * is not a kind of check
 */
const TendInventoryFieldTable *tend_inventory_params_table (int kind);

/* Messages while reading (tend-inventory-fields.c) */

typedef struct
{
  GPtrArray *lines;    /* (element-type utf8): the first TEND_INVENTORY_MAX_ERRORS */
  guint      n_total;
} TendInventoryProblems;

void       tend_inventory_problem            (TendInventoryProblems  *problems,
                                              const char             *path,
                                              const char             *format,
                                              ...) G_GNUC_PRINTF (3, 4);
gboolean   tend_inventory_problems_propagate (TendInventoryProblems  *problems,
                                              GError                **error);
gsize      tend_inventory_path_push_key      (GString                *path,
                                              const char             *key);
gsize      tend_inventory_path_push_index    (GString                *path,
                                              guint                   i);

/* Reading, stage 1 and 2 (tend-inventory-scan.c) */

JsonNode  *tend_inventory_load_json          (const char             *data,
                                              gsize                   length,
                                              TendInventoryProblems  *problems);

/* Items (tend-inventory.c) */

TendHostScope  tend_inventory_default_scope (TendHostKind  kind);
TendInventoryAccess
               tend_inventory_default_access (TendHostKind kind);
char          *tend_inventory_service_key   (const char   *host,
                                             const char   *unit);

/* Reading, stage 3: fields (tend-inventory-parser.c) */

typedef struct
{
  TendInventoryProblems  problems;
  GString               *path;
  TendInventory         *inventory;
  GHashTable            *hosts;              /* name → position + 1 */
  GHashTable            *services;           /* "host/unit" → position + 1 */
  GHashTable            *checks;             /* "host/unit/name" → position + 1 */
  GHashTable            *policies;           /* "host/unit" → position + 1 */
  gboolean               hosts_complete;     /* every host has a name to refer to */
  gboolean               services_complete;  /* every service has a host and a unit */
  gboolean               check_config;       /* the configuration's values by TendConfig's
                                              * rules, not only their form */
} TendInventoryParser;

void         tend_inventory_parser_init          (TendInventoryParser           *p);
void         tend_inventory_parser_clear         (TendInventoryParser           *p);
JsonObject  *tend_inventory_expect_object        (TendInventoryParser           *p,
                                                  JsonNode                      *node);
void         tend_inventory_report_unknown_keys  (TendInventoryParser           *p,
                                                  JsonObject                    *object,
                                                  const TendInventoryFieldTable *table,
                                                  const char * const            *extra,
                                                  int                            check_kind);
guint64      tend_inventory_read_fields          (TendInventoryParser           *p,
                                                  JsonObject                    *object,
                                                  const TendInventoryFieldTable *table,
                                                  gpointer                       item);
gboolean     tend_inventory_field_ok             (guint64                        ok,
                                                  const TendInventoryFieldTable *table,
                                                  const char                    *name);
void         tend_inventory_order_problem        (TendInventoryParser           *p,
                                                  const char                    *key,
                                                  char                          *value,
                                                  const char                    *relation,
                                                  const char                    *other,
                                                  char                          *other_value);
void         tend_inventory_parser_problem       (TendInventoryParser           *p,
                                                  const char                    *format,
                                                  ...) G_GNUC_PRINTF (2, 3);
void         tend_inventory_member_problem       (TendInventoryParser           *p,
                                                  const char                    *key,
                                                  const char                    *format,
                                                  ...) G_GNUC_PRINTF (3, 4);
const char  *tend_inventory_describe_node        (JsonNode                      *node);
gboolean     tend_inventory_node_holds           (JsonNode                      *node,
                                                  GType                          type);
gboolean     tend_inventory_member_is_set        (JsonObject                    *object,
                                                  const char                    *name);
gboolean     tend_inventory_looks_secret         (const char                    *name);

/* Writing (tend-inventory-export.c) */

void         tend_inventory_write_string         (GString                       *out,
                                                  const char                    *str);
GPtrArray   *tend_inventory_list_texts           (const TendInventoryField      *field,
                                                  gconstpointer                  item);
char        *tend_inventory_field_json           (const TendInventoryField      *field,
                                                  gconstpointer                  item);

/* The order of items, by kind: the export's and the diffs' */
extern const GCompareFunc tend_inventory_item_compare[];

GPtrArray   *tend_inventory_sorted_items         (TendInventory                 *self,
                                                  TendInventoryItemKind          kind);
GPtrArray   *tend_inventory_sorted_config_keys   (TendInventory                 *self);

G_END_DECLS
