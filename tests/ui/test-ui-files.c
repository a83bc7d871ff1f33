/* test-ui-files.c: every .ui file in the app's resources builds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Templates are checked by instantiating their class (the class name maps to
 * its get_type function, looked up in this executable's own symbols), plain
 * builder files by loading them. Any GtkBuilder error is a critical and fails
 * the test (G_DEBUG=fatal-criticals).
 */
#include "config.h"

#include <adwaita.h>
#include <gmodule.h>

#define RESOURCE_BASE "/io/github/whatif/WhatIf"

static char *
type_func_name (const char *class_name)
{
  GString *s = g_string_new (NULL);

  /* WfChatView → wf_chat_view_get_type */
  for (const char *p = class_name; *p; p++)
    {
      if (g_ascii_isupper (*p) && p != class_name)
        g_string_append_c (s, '_');
      g_string_append_c (s, g_ascii_tolower (*p));
    }
  g_string_append (s, "_get_type");

  return g_string_free (s, FALSE);
}

static char *
find_template_class (const char *xml)
{
  const char *p = strstr (xml, "<template class=\"");
  const char *end;

  if (p == NULL)
    return NULL;
  p += strlen ("<template class=\"");
  end = strchr (p, '"');

  return end ? g_strndup (p, end - p) : NULL;
}

static void
collect_ui_files (const char *path,
                  GPtrArray  *out)
{
  g_auto(GStrv) children = g_resources_enumerate_children (path, 0, NULL);

  for (guint i = 0; children && children[i]; i++)
    {
      g_autofree char *child = g_strconcat (path, "/", children[i], NULL);

      if (g_str_has_suffix (children[i], "/"))
        {
          child[strlen (child) - 1] = '\0';
          collect_ui_files (child, out);
        }
      else if (g_str_has_suffix (children[i], ".ui"))
        g_ptr_array_add (out, g_steal_pointer (&child));
    }
}

static void
test_ui_file (gconstpointer data)
{
  const char *resource = data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *klass = NULL;

  bytes = g_resources_lookup_data (resource, 0, &error);
  g_assert_no_error (error);
  xml = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  klass = find_template_class (xml);

  if (klass != NULL)
    {
      GModule *self = g_module_open (NULL, 0);
      g_autofree char *func_name = type_func_name (klass);
      GType (*get_type) (void) = NULL;
      GObject *object;

      g_assert_true (g_module_symbol (self, func_name, (gpointer *) &get_type));
      g_module_close (self);
      object = g_object_new (get_type (), NULL);
      g_assert_nonnull (object);
      if (GTK_IS_WINDOW (object))
        gtk_window_destroy (GTK_WINDOW (object));
      else
        g_object_unref (g_object_ref_sink (object));
    }
  else
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new ();

      g_assert_true (gtk_builder_add_from_resource (builder, resource, &error));
      g_assert_no_error (error);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  /* No G_TEST_OPTION_ISOLATE_DIRS: GTK needs the system schemas in XDG_DATA_DIRS. */
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display: run under build-aux/dev test (Xvfb)");
      return g_test_run ();
    }
  adw_init ();

  collect_ui_files (RESOURCE_BASE, files);
  g_assert_cmpuint (files->len, >, 0);

  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *path = g_strconcat ("/ui-files", (char *) g_ptr_array_index (files, i) + strlen (RESOURCE_BASE), NULL);
      g_test_add_data_func (path, g_ptr_array_index (files, i), test_ui_file);
    }

  return g_test_run ();
}
