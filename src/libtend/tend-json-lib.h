/* tend-json-lib.h — json-glib, loaded when JSON is first read or written
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opened when first used and called through this table (tend-lazy-lib.h says why): `tendctl
 * status` and `list` without --json never touch JSON, and mapping and binding json-glib
 * cost every start about 0.11 ms of CPU (docs/benchmarks.md, issue 14). Every file of
 * Tend's that uses json-glib includes this header instead of <json-glib/json-glib.h>; a
 * function of it missing from TEND_JSON_LIB_FUNCTIONS would link it at start-up again (the
 * test lazy-libs names it). The types and macros are json-glib's own.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TEND_JSON_LIB_FUNCTIONS(F) \
  F (json_array_add_element) \
  F (json_array_add_string_element) \
  F (json_array_get_element) \
  F (json_array_get_length) \
  F (json_array_get_object_element) \
  F (json_array_get_string_element) \
  F (json_array_new) \
  F (json_array_sized_new) \
  F (json_array_unref) \
  F (json_builder_add_boolean_value) \
  F (json_builder_add_double_value) \
  F (json_builder_add_int_value) \
  F (json_builder_add_null_value) \
  F (json_builder_add_string_value) \
  F (json_builder_add_value) \
  F (json_builder_begin_array) \
  F (json_builder_begin_object) \
  F (json_builder_end_array) \
  F (json_builder_end_object) \
  F (json_builder_get_root) \
  F (json_builder_new) \
  F (json_builder_new_immutable) \
  F (json_builder_reset) \
  F (json_builder_set_member_name) \
  F (json_from_string) \
  F (json_generator_new) \
  F (json_generator_set_indent) \
  F (json_generator_set_pretty) \
  F (json_generator_set_root) \
  F (json_generator_to_data) \
  F (json_generator_to_gstring) \
  F (json_node_copy) \
  F (json_node_get_array) \
  F (json_node_get_boolean) \
  F (json_node_get_double) \
  F (json_node_get_int) \
  F (json_node_get_node_type) \
  F (json_node_get_object) \
  F (json_node_get_string) \
  F (json_node_get_value_type) \
  F (json_node_new) \
  F (json_node_ref) \
  F (json_node_set_array) \
  F (json_node_take_object) \
  F (json_node_unref) \
  F (json_object_get_boolean_member_with_default) \
  F (json_object_get_double_member_with_default) \
  F (json_object_get_int_member_with_default) \
  F (json_object_get_member) \
  F (json_object_get_members) \
  F (json_object_get_size) \
  F (json_object_get_string_member_with_default) \
  F (json_object_has_member) \
  F (json_object_iter_init) \
  F (json_object_iter_next) \
  F (json_object_new) \
  F (json_object_ref) \
  F (json_object_remove_member) \
  F (json_object_set_array_member) \
  F (json_object_set_boolean_member) \
  F (json_object_set_int_member) \
  F (json_object_set_string_member) \
  F (json_object_unref) \
  F (json_parser_get_root) \
  F (json_parser_load_from_data) \
  F (json_parser_new) \
  F (json_parser_new_immutable) \
  F (json_parser_steal_root) \
  F (json_to_string)

typedef struct
{
#define TEND_JSON_LIB_FIELD(name) __typeof__ (name) *name;
  TEND_JSON_LIB_FUNCTIONS (TEND_JSON_LIB_FIELD)
#undef TEND_JSON_LIB_FIELD
} TendJsonLib;

gboolean           tend_json_lib_load (GError **error);
const TendJsonLib *tend_json_lib      (void);

G_END_DECLS

#ifndef TEND_JSON_LIB_NO_REDIRECT
#define json_array_add_element (tend_json_lib ()->json_array_add_element)
#define json_array_add_string_element (tend_json_lib ()->json_array_add_string_element)
#define json_array_get_element (tend_json_lib ()->json_array_get_element)
#define json_array_get_length (tend_json_lib ()->json_array_get_length)
#define json_array_get_object_element (tend_json_lib ()->json_array_get_object_element)
#define json_array_get_string_element (tend_json_lib ()->json_array_get_string_element)
#define json_array_new (tend_json_lib ()->json_array_new)
#define json_array_sized_new (tend_json_lib ()->json_array_sized_new)
#define json_array_unref (tend_json_lib ()->json_array_unref)
#define json_builder_add_boolean_value (tend_json_lib ()->json_builder_add_boolean_value)
#define json_builder_add_double_value (tend_json_lib ()->json_builder_add_double_value)
#define json_builder_add_int_value (tend_json_lib ()->json_builder_add_int_value)
#define json_builder_add_null_value (tend_json_lib ()->json_builder_add_null_value)
#define json_builder_add_string_value (tend_json_lib ()->json_builder_add_string_value)
#define json_builder_add_value (tend_json_lib ()->json_builder_add_value)
#define json_builder_begin_array (tend_json_lib ()->json_builder_begin_array)
#define json_builder_begin_object (tend_json_lib ()->json_builder_begin_object)
#define json_builder_end_array (tend_json_lib ()->json_builder_end_array)
#define json_builder_end_object (tend_json_lib ()->json_builder_end_object)
#define json_builder_get_root (tend_json_lib ()->json_builder_get_root)
#define json_builder_new (tend_json_lib ()->json_builder_new)
#define json_builder_new_immutable (tend_json_lib ()->json_builder_new_immutable)
#define json_builder_reset (tend_json_lib ()->json_builder_reset)
#define json_builder_set_member_name (tend_json_lib ()->json_builder_set_member_name)
#define json_from_string (tend_json_lib ()->json_from_string)
#define json_generator_new (tend_json_lib ()->json_generator_new)
#define json_generator_set_indent (tend_json_lib ()->json_generator_set_indent)
#define json_generator_set_pretty (tend_json_lib ()->json_generator_set_pretty)
#define json_generator_set_root (tend_json_lib ()->json_generator_set_root)
#define json_generator_to_data (tend_json_lib ()->json_generator_to_data)
#define json_generator_to_gstring (tend_json_lib ()->json_generator_to_gstring)
#define json_node_copy (tend_json_lib ()->json_node_copy)
#define json_node_get_array (tend_json_lib ()->json_node_get_array)
#define json_node_get_boolean (tend_json_lib ()->json_node_get_boolean)
#define json_node_get_double (tend_json_lib ()->json_node_get_double)
#define json_node_get_int (tend_json_lib ()->json_node_get_int)
#define json_node_get_node_type (tend_json_lib ()->json_node_get_node_type)
#define json_node_get_object (tend_json_lib ()->json_node_get_object)
#define json_node_get_string (tend_json_lib ()->json_node_get_string)
#define json_node_get_value_type (tend_json_lib ()->json_node_get_value_type)
#define json_node_new (tend_json_lib ()->json_node_new)
#define json_node_ref (tend_json_lib ()->json_node_ref)
#define json_node_set_array (tend_json_lib ()->json_node_set_array)
#define json_node_take_object (tend_json_lib ()->json_node_take_object)
#define json_node_unref (tend_json_lib ()->json_node_unref)
#define json_object_get_boolean_member_with_default \
  (tend_json_lib ()->json_object_get_boolean_member_with_default)
#define json_object_get_double_member_with_default \
  (tend_json_lib ()->json_object_get_double_member_with_default)
#define json_object_get_int_member_with_default \
  (tend_json_lib ()->json_object_get_int_member_with_default)
#define json_object_get_member (tend_json_lib ()->json_object_get_member)
#define json_object_get_members (tend_json_lib ()->json_object_get_members)
#define json_object_get_size (tend_json_lib ()->json_object_get_size)
#define json_object_get_string_member_with_default \
  (tend_json_lib ()->json_object_get_string_member_with_default)
#define json_object_has_member (tend_json_lib ()->json_object_has_member)
#define json_object_iter_init (tend_json_lib ()->json_object_iter_init)
#define json_object_iter_next (tend_json_lib ()->json_object_iter_next)
#define json_object_new (tend_json_lib ()->json_object_new)
#define json_object_ref (tend_json_lib ()->json_object_ref)
#define json_object_remove_member (tend_json_lib ()->json_object_remove_member)
#define json_object_set_array_member (tend_json_lib ()->json_object_set_array_member)
#define json_object_set_boolean_member (tend_json_lib ()->json_object_set_boolean_member)
#define json_object_set_int_member (tend_json_lib ()->json_object_set_int_member)
#define json_object_set_string_member (tend_json_lib ()->json_object_set_string_member)
#define json_object_unref (tend_json_lib ()->json_object_unref)
#define json_parser_get_root (tend_json_lib ()->json_parser_get_root)
#define json_parser_load_from_data (tend_json_lib ()->json_parser_load_from_data)
#define json_parser_new (tend_json_lib ()->json_parser_new)
#define json_parser_new_immutable (tend_json_lib ()->json_parser_new_immutable)
#define json_parser_steal_root (tend_json_lib ()->json_parser_steal_root)
#define json_to_string (tend_json_lib ()->json_to_string)
#endif
