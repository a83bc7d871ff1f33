/* wf-ui-test-util.c: helpers shared by the tests that open real windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "wf-ui-test-util.h"

#include <glib/gstdio.h>

void
wf_ui_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

void
wf_ui_test_wait_timed_out (const char *domain,
                           const char *file,
                           int         line,
                           const char *func,
                           const char *cond,
                           guint       seconds)
{
  g_autofree char *message = g_strdup_printf ("timed out after %u s waiting for: %s", seconds, cond);

  g_assertion_message (domain, file, line, func, message);
}

/* The picture of WIDGET, or NULL once it is no longer on screen. */
static GdkTexture *
render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int width, height;

  paintable = gtk_widget_paintable_new (widget);
  /* A widget that has not drawn since its last change has no render node
   * yet: give it a few more frames. */
  for (guint attempt = 0; node == NULL && attempt < 20; attempt++)
    {
      GtkSnapshot *snapshot;

      if (attempt > 0)
        wf_ui_test_spin (100);
      if (!gtk_widget_get_mapped (widget))
        return NULL;
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      if (width <= 0 || height <= 0)
        continue;
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  if (node == NULL)
    return NULL;
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static void
save_texture (GdkTexture *texture,
              const char *dir,
              const char *name)
{
  g_autofree char *png = g_strconcat (name, ".png", NULL);
  g_autofree char *file = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  file = g_build_filename (dir, png, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, file));
  g_test_message ("screenshot: %s", file);
}

static char *
default_dir (void)
{
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");

  return g_build_filename (builddir ? builddir : ".", "test-output", "ui", NULL);
}

void
wf_ui_test_save_screenshot (GtkWidget  *widget,
                            const char *dir,
                            const char *name,
                            guint       settle_ms)
{
  g_autoptr(GdkTexture) texture = NULL;

  wf_ui_test_spin (settle_ms);
  g_assert_true (gtk_widget_get_mapped (widget));
  texture = render_widget (widget);
  if (texture == NULL)
    g_error ("screenshot %s: the widget did not draw within two seconds", name);
  save_texture (texture, dir, name);
}

gboolean
wf_ui_test_try_screenshot (GtkWidget  *widget,
                           const char *name)
{
  g_autoptr(GtkWidget) keep = g_object_ref (widget);
  g_autoptr(GdkTexture) texture = render_widget (widget);
  g_autofree char *dir = default_dir ();

  if (texture == NULL)
    {
      g_test_message ("screenshot %s: skipped, the widget left the screen first", name);
      return FALSE;
    }
  save_texture (texture, dir, name);
  return TRUE;
}

void
wf_ui_test_screenshot (GtkWidget  *widget,
                       const char *name)
{
  g_autofree char *dir = default_dir ();

  wf_ui_test_save_screenshot (widget, dir, name, 400);
}

GtkWidget *
wf_ui_test_find_widget (GtkWidget     *root,
                        WfUiTestMatch  match,
                        gconstpointer  data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (match (child, data))
        return child;
      if ((found = wf_ui_test_find_widget (child, match, data)))
        return found;
    }
  return NULL;
}

static gboolean
has_class (GtkWidget     *widget,
           gconstpointer  css_class)
{
  return gtk_widget_has_css_class (widget, css_class);
}

GtkWidget *
wf_ui_test_find_by_class (GtkWidget  *root,
                          const char *css_class)
{
  return wf_ui_test_find_widget (root, has_class, css_class);
}

static gboolean
is_type (GtkWidget     *widget,
         gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

GtkWidget *
wf_ui_test_find_by_type (GtkWidget *root,
                         GType      type)
{
  return wf_ui_test_find_widget (root, is_type, GSIZE_TO_POINTER (type));
}

static gboolean
is_visible_label (GtkWidget     *widget,
                  gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

GtkWidget *
wf_ui_test_find_label (GtkWidget  *root,
                       const char *text)
{
  return wf_ui_test_find_widget (root, is_visible_label, text);
}

void
wf_ui_test_rm_rf (const char *path)
{
  /* A link is removed as it is: following it could delete files that are
   * not the test's. */
  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          wf_ui_test_rm_rf (child);
        }
    }
  g_remove (path);
}

void
wf_ui_test_load_app_style (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, "/io/github/whatif/WhatIf/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}
