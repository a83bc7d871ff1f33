/* wf-session-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sessions come from the store a page at a time into a GListStore shown by a
 * GtkListView, so a long history costs only the rows on screen. A search
 * replaces the list by the sessions whose questions or answers match.
 */
#define G_LOG_DOMAIN "wf-session-list"

#include "config.h"

#include <glib/gi18n.h>

#include "wf-session-list.h"

#define PAGE_SIZE      50
#define SEARCH_LIMIT   200
#define MAX_TITLE_LEN  200

/* One row of the list: a session, or a session found by a search (then the
 * subtitle is the question that matched). */
#define WF_TYPE_SESSION_ITEM (wf_session_item_get_type ())
G_DECLARE_FINAL_TYPE (WfSessionItem, wf_session_item, WF, SESSION_ITEM, GObject)

struct _WfSessionItem
{
  GObject  parent_instance;
  gint64   id;
  char    *title;
  char    *subtitle;
};

G_DEFINE_FINAL_TYPE (WfSessionItem, wf_session_item, G_TYPE_OBJECT)

static void
wf_session_item_finalize (GObject *object)
{
  WfSessionItem *self = (WfSessionItem *)object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->subtitle, g_free);

  G_OBJECT_CLASS (wf_session_item_parent_class)->finalize (object);
}

static void
wf_session_item_class_init (WfSessionItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_session_item_finalize;
}

static void
wf_session_item_init (WfSessionItem *self)
{
}

static WfSessionItem *
wf_session_item_new (gint64      id,
                     const char *title,
                     const char *subtitle)
{
  WfSessionItem *item = g_object_new (WF_TYPE_SESSION_ITEM, NULL);

  item->id = id;
  item->title = g_strdup (title && *title ? title : _("Untitled Session"));
  item->subtitle = g_strdup (subtitle);

  return item;
}

struct _WfSessionList
{
  GtkWidget           parent_instance;

  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkScrolledWindow  *scroller;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;

  WfStore            *store;
  GListStore         *sessions;
  GtkSingleSelection *selection;
  guint               loaded;      /* rows read from the store, hidden ones included */
  guint               prefetch_id;
  gboolean            exhausted;
  char               *query;
  GHashTable         *pending_deletes;   /* session id (gint64*) → AdwToast */
};

enum {
  SESSION_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WfSessionList, wf_session_list, GTK_TYPE_WIDGET)

static gboolean
is_pending_delete (WfSessionList *self,
                   gint64         id)
{
  return g_hash_table_contains (self->pending_deletes, &id);
}

static void
update_empty_state (WfSessionList *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->sessions)) == 0;

  if (self->query != NULL)
    {
      adw_status_page_set_title (self->empty_page, _("No Results"));
      adw_status_page_set_description (self->empty_page,
                                       _("No question or answer matches the search."));
      adw_status_page_set_icon_name (self->empty_page, "edit-find-symbolic");
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _("No Sessions Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Questions you ask are kept here."));
      adw_status_page_set_icon_name (self->empty_page, "document-open-recent-symbolic");
    }
  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void
load_next_page (WfSessionList *self)
{
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || self->exhausted || self->query != NULL)
    return;

  page = wf_store_list_sessions (self->store, self->loaded, PAGE_SIZE, &error);
  if (page == NULL)
    {
      g_warning ("Cannot list sessions: %s", error->message);
      self->exhausted = TRUE;
      return;
    }

  self->loaded += page->len;
  if (page->len < PAGE_SIZE)
    self->exhausted = TRUE;

  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < page->len; i++)
    {
      const WfSessionInfo *info = g_ptr_array_index (page, i);

      if (is_pending_delete (self, info->id))
        continue;
      g_ptr_array_add (items, wf_session_item_new (info->id, info->title, NULL));
    }

  g_list_store_splice (self->sessions,
                       g_list_model_get_n_items (G_LIST_MODEL (self->sessions)),
                       0, items->pdata, items->len);
}

static void
load_search (WfSessionList *self)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GError) error = NULL;

  runs = wf_store_search_runs (self->store, self->query, SEARCH_LIMIT, &error);
  if (runs == NULL)
    {
      /* A query the index cannot parse is the user's typing, not a fault. */
      g_debug ("Search failed: %s", error->message);
      return;
    }

  seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < runs->len; i++)
    {
      const WfRunSummary *run = g_ptr_array_index (runs, i);
      g_autoptr(WfSessionInfo) info = NULL;
      gint64 *key;

      if (is_pending_delete (self, run->session_id) ||
          g_hash_table_contains (seen, &run->session_id))
        continue;

      key = g_new (gint64, 1);
      *key = run->session_id;
      g_hash_table_add (seen, key);

      info = wf_store_get_session (self->store, run->session_id, NULL);
      if (info == NULL)
        continue;
      g_ptr_array_add (items, wf_session_item_new (info->id, info->title, run->question));
    }

  g_list_store_splice (self->sessions, 0, 0, items->pdata, items->len);
}

static void
select_by_id (WfSessionList *self,
              gint64         id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WfSessionItem) item = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

      if (item->id == id)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return;
        }
    }
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

void
wf_session_list_reload (WfSessionList *self)
{
  gint64 selected;

  g_return_if_fail (WF_IS_SESSION_LIST (self));

  selected = wf_session_list_get_selected_id (self);

  g_list_store_remove_all (self->sessions);
  self->loaded = 0;
  self->exhausted = FALSE;

  if (self->store != NULL)
    {
      if (self->query != NULL)
        load_search (self);
      else
        load_next_page (self);
    }

  if (selected != 0)
    select_by_id (self, selected);
  update_empty_state (self);
}

static gboolean
prefetch_idle (gpointer user_data)
{
  WfSessionList *self = user_data;

  self->prefetch_id = 0;
  load_next_page (self);
  return G_SOURCE_REMOVE;
}

/* The next page is read while the user is still two screens from the end,
 * between frames (idle), so scrolling does not wait for the store at the
 * bottom edge. edge-reached stays as the fallback. */
static void
vadjustment_changed_cb (WfSessionList *self,
                        GtkAdjustment *adj)
{
  double left = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_value (adj)
                - gtk_adjustment_get_page_size (adj);

  if (self->exhausted || self->query != NULL || self->prefetch_id != 0)
    return;
  if (left < 2 * gtk_adjustment_get_page_size (adj))
    self->prefetch_id = g_idle_add (prefetch_idle, self);
}

static void
edge_reached_cb (WfSessionList   *self,
                 GtkPositionType  pos)
{
  if (pos == GTK_POS_BOTTOM)
    load_next_page (self);
}

static void
selection_changed_cb (WfSessionList *self)
{
  g_signal_emit (self, signals[SESSION_SELECTED], 0, wf_session_list_get_selected_id (self));
}

/* Clicking the selected session again must still open it (on a folded window
 * the chat is one page further). */
static void
activate_cb (WfSessionList *self,
             guint          position)
{
  gtk_single_selection_set_selected (self->selection, position);
  g_signal_emit (self, signals[SESSION_SELECTED], 0, wf_session_list_get_selected_id (self));
}

static void
search_changed_cb (WfSessionList  *self,
                   GtkSearchEntry *entry)
{
  wf_session_list_set_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
search_stopped_cb (WfSessionList *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

/* Row widgets */

static void
rename_activate_cb (GtkEntry      *entry,
                    WfSessionList *self)
{
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (entry), GTK_TYPE_POPOVER);
  WfSessionItem *item = g_object_get_data (G_OBJECT (popover), "wf-item");
  g_autoptr(GError) error = NULL;

  if (item == NULL)
    return;

  if (!wf_session_list_rename (self, item->id, gtk_editable_get_text (GTK_EDITABLE (entry)), &error))
    {
      gtk_widget_error_bell (GTK_WIDGET (entry));
      gtk_widget_set_tooltip_text (GTK_WIDGET (entry), error->message);
      return;
    }
  gtk_popover_popdown (GTK_POPOVER (popover));
}

static void
delete_clicked_cb (GtkButton     *button,
                   WfSessionList *self)
{
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_POPOVER);
  WfSessionItem *item = g_object_get_data (G_OBJECT (popover), "wf-item");
  gint64 id;

  if (item == NULL)
    return;
  id = item->id;
  gtk_popover_popdown (GTK_POPOVER (popover));
  wf_session_list_delete (self, id);
}

static void
popover_show_cb (GtkPopover *popover)
{
  WfSessionItem *item = g_object_get_data (G_OBJECT (popover), "wf-item");
  GtkEditable *entry = g_object_get_data (G_OBJECT (popover), "wf-entry");

  if (item != NULL)
    gtk_editable_set_text (entry, item->title);
}

/* The rename/delete popover is built the first time a row's menu opens, not
 * when the row is set up: a page of 50 rows with an entry each cost a
 * visible hitch while the history scrolled (app.history_scroll_10k). */
static void
create_row_popover (GtkMenuButton *menu,
                    gpointer       user_data)
{
  WfSessionList *self = user_data;
  GtkWidget *row = g_object_get_data (G_OBJECT (menu), "wf-row");
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (menu));

  if (popover == NULL)
    {
      GtkWidget *pbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *entry = gtk_entry_new ();
      GtkWidget *delete;

      gtk_entry_set_max_length (GTK_ENTRY (entry), MAX_TITLE_LEN);
      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Session name"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Rename session"), -1);
      delete = gtk_button_new_with_mnemonic (_("_Delete Session"));
      gtk_widget_add_css_class (delete, "destructive-action");
      gtk_box_append (GTK_BOX (pbox), gtk_label_new (_("Rename")));
      gtk_box_append (GTK_BOX (pbox), entry);
      gtk_box_append (GTK_BOX (pbox), delete);
      popover = gtk_popover_new ();
      gtk_popover_set_child (GTK_POPOVER (popover), pbox);
      g_object_set_data (G_OBJECT (popover), "wf-entry", entry);
      g_signal_connect (popover, "show", G_CALLBACK (popover_show_cb), NULL);
      g_signal_connect_object (entry, "activate", G_CALLBACK (rename_activate_cb), self, 0);
      g_signal_connect_object (delete, "clicked", G_CALLBACK (delete_clicked_cb), self, 0);
      gtk_menu_button_set_popover (menu, popover);
    }
  /* Rows are recycled: the item is whatever the row shows now. */
  g_object_set_data (G_OBJECT (popover), "wf-item", g_object_get_data (G_OBJECT (row), "wf-item"));
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              WfSessionList            *self)
{
  GtkWidget *row, *labels, *title, *subtitle, *menu;

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (row, "session-row");
  g_object_set_data (G_OBJECT (row), "wf-row", GINT_TO_POINTER (1));

  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  subtitle = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_box_append (GTK_BOX (row), labels);

  menu = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu), "view-more-symbolic");
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (menu), create_row_popover, self, NULL);
  g_object_set_data (G_OBJECT (menu), "wf-row", row);
  gtk_widget_set_valign (menu, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu, "flat");
  gtk_widget_set_tooltip_text (menu, _("Rename or Delete"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Rename or delete session"), -1);
  gtk_box_append (GTK_BOX (row), menu);

  g_object_set_data (G_OBJECT (row), "wf-title", title);
  g_object_set_data (G_OBJECT (row), "wf-subtitle", subtitle);
  gtk_list_item_set_child (list_item, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             WfSessionList            *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  WfSessionItem *item = gtk_list_item_get_item (list_item);
  GtkLabel *subtitle = g_object_get_data (G_OBJECT (row), "wf-subtitle");

  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "wf-title"), item->title);
  gtk_label_set_text (subtitle, item->subtitle ? item->subtitle : "");
  gtk_widget_set_visible (GTK_WIDGET (subtitle), item->subtitle != NULL);
  g_object_set_data (G_OBJECT (row), "wf-item", item);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               WfSessionList            *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);

  g_object_set_data (G_OBJECT (row), "wf-item", NULL);
}

/* Deleting with undo */

static void
commit_delete (WfSessionList *self,
               gint64         id)
{
  g_autoptr(GError) error = NULL;

  if (self->store != NULL && !wf_store_delete_session (self->store, id, &error))
    g_warning ("Cannot delete session %" G_GINT64_FORMAT ": %s", id, error->message);
}

static void
toast_undo_cb (AdwToast      *toast,
               WfSessionList *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (toast), "wf-session-id"));

  g_object_set_data (G_OBJECT (toast), "wf-undone", GINT_TO_POINTER (1));
  g_hash_table_remove (self->pending_deletes, &id);
  wf_session_list_reload (self);
  select_by_id (self, id);
}

static void
toast_dismissed_cb (AdwToast      *toast,
                    WfSessionList *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (toast), "wf-session-id"));

  if (g_object_get_data (G_OBJECT (toast), "wf-undone") != NULL)
    return;
  if (g_hash_table_remove (self->pending_deletes, &id))
    commit_delete (self, id);
}

AdwToast *
wf_session_list_delete (WfSessionList *self,
                        gint64         session_id)
{
  GtkWidget *overlay;
  AdwToast *toast;
  g_autofree char *title = NULL;
  g_autofree char *message = NULL;
  guint n;
  gint64 *key;

  g_return_val_if_fail (WF_IS_SESSION_LIST (self), NULL);
  g_return_val_if_fail (session_id > 0, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WfSessionItem) item = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

      if (item->id == session_id)
        {
          title = g_strdup (item->title);
          g_list_store_remove (self->sessions, i);
          break;
        }
    }
  update_empty_state (self);

  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      /* Nowhere to offer Undo: do not keep a deletion hanging. */
      commit_delete (self, session_id);
      return NULL;
    }

  /* Translators: %s is the name of a session */
  message = g_strdup_printf (_("“%s” deleted"), title ? title : _("Session"));
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data (G_OBJECT (toast), "wf-session-id", GSIZE_TO_POINTER ((gsize) session_id));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (toast_undo_cb), self, 0);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, 0);

  key = g_new (gint64, 1);
  *key = session_id;
  g_hash_table_insert (self->pending_deletes, key, toast);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);

  return toast;
}

gboolean
wf_session_list_rename (WfSessionList  *self,
                        gint64          session_id,
                        const char     *title,
                        GError        **error)
{
  g_autofree char *clean = NULL;
  guint n;

  g_return_val_if_fail (WF_IS_SESSION_LIST (self), FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  clean = g_strstrip (g_utf8_make_valid (title, -1));
  if (*clean == '\0')
    {
      g_set_error_literal (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID,
                           _("A session needs a name"));
      return FALSE;
    }
  if (g_utf8_strlen (clean, -1) > MAX_TITLE_LEN)
    {
      g_set_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID,
                   _("Session names are at most %d characters long"), MAX_TITLE_LEN);
      return FALSE;
    }
  if (self->store == NULL || !wf_store_rename_session (self->store, session_id, clean, error))
    {
      if (self->store == NULL)
        g_set_error_literal (error, WF_STORE_ERROR, WF_STORE_ERROR_FAILED, _("No history is open"));
      return FALSE;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WfSessionItem) item = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

      if (item->id == session_id)
        {
          g_autoptr(WfSessionItem) renamed = wf_session_item_new (session_id, clean, item->subtitle);
          gboolean was_selected = gtk_single_selection_get_selected (self->selection) == i;

          g_signal_handlers_block_by_func (self->selection, selection_changed_cb, self);
          g_list_store_splice (self->sessions, i, 1, (gpointer *) &renamed, 1);
          if (was_selected)
            gtk_single_selection_set_selected (self->selection, i);
          g_signal_handlers_unblock_by_func (self->selection, selection_changed_cb, self);
          break;
        }
    }

  return TRUE;
}

static void
wf_session_list_dispose (GObject *object)
{
  WfSessionList *self = (WfSessionList *)object;

  g_clear_handle_id (&self->prefetch_id, g_source_remove);

  /* Closing the window while a toast is up counts as not undoing it. */
  if (self->pending_deletes != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->pending_deletes);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        commit_delete (self, *(gint64 *) key);
      g_hash_table_remove_all (self->pending_deletes);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), WF_TYPE_SESSION_LIST);
  /* The template's root box has no id, so dispose_template leaves it. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }

  g_clear_object (&self->selection);
  g_clear_object (&self->sessions);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (wf_session_list_parent_class)->dispose (object);
}

static void
wf_session_list_finalize (GObject *object)
{
  WfSessionList *self = (WfSessionList *)object;

  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->pending_deletes, g_hash_table_unref);

  G_OBJECT_CLASS (wf_session_list_parent_class)->finalize (object);
}

static void
wf_session_list_class_init (WfSessionListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wf_session_list_dispose;
  object_class->finalize = wf_session_list_finalize;

  /**
   * WfSessionList::session-selected:
   * @session_id: the selected session, or 0 when none is
   *
   * Fires when the selection changes.
   */
  signals[SESSION_SELECTED] =
    g_signal_new ("session-selected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/whatif/WhatIf/wf-session-list.ui");
  gtk_widget_class_bind_template_child (widget_class, WfSessionList, search_bar);
  gtk_widget_class_bind_template_child (widget_class, WfSessionList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, WfSessionList, stack);
  gtk_widget_class_bind_template_child (widget_class, WfSessionList, scroller);
  gtk_widget_class_bind_template_child (widget_class, WfSessionList, list_view);
  gtk_widget_class_bind_template_child (widget_class, WfSessionList, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, edge_reached_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_stopped_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "wfsessionlist");
}

static void
wf_session_list_init (WfSessionList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->pending_deletes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->sessions = g_list_store_new (WF_TYPE_SESSION_ITEM);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sessions)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row_cb), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (vadjustment_changed_cb), self, G_CONNECT_SWAPPED);
  update_empty_state (self);
}

GtkWidget *
wf_session_list_new (void)
{
  return g_object_new (WF_TYPE_SESSION_LIST, NULL);
}

void
wf_session_list_set_store (WfSessionList *self,
                           WfStore       *store)
{
  g_return_if_fail (WF_IS_SESSION_LIST (self));
  g_return_if_fail (!store || WF_IS_STORE (store));

  if (g_set_object (&self->store, store))
    wf_session_list_reload (self);
}

guint
wf_session_list_get_n_sessions (WfSessionList *self)
{
  g_return_val_if_fail (WF_IS_SESSION_LIST (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->sessions));
}

gint64
wf_session_list_get_session_id (WfSessionList *self,
                                guint          position)
{
  g_autoptr(WfSessionItem) item = NULL;

  g_return_val_if_fail (WF_IS_SESSION_LIST (self), 0);

  item = g_list_model_get_item (G_LIST_MODEL (self->sessions), position);
  return item ? item->id : 0;
}

gint64
wf_session_list_get_selected_id (WfSessionList *self)
{
  WfSessionItem *item;

  g_return_val_if_fail (WF_IS_SESSION_LIST (self), 0);

  item = gtk_single_selection_get_selected_item (self->selection);
  return item ? item->id : 0;
}

void
wf_session_list_select_id (WfSessionList *self,
                           gint64         session_id)
{
  g_return_if_fail (WF_IS_SESSION_LIST (self));

  select_by_id (self, session_id);
}

void
wf_session_list_unselect (WfSessionList *self)
{
  g_return_if_fail (WF_IS_SESSION_LIST (self));

  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

void
wf_session_list_set_search (WfSessionList *self,
                            const char    *query)
{
  g_autofree char *clean = NULL;

  g_return_if_fail (WF_IS_SESSION_LIST (self));

  if (query != NULL)
    {
      g_autofree char *valid = g_utf8_make_valid (query, -1);

      /* A search box is not a place for a novel: bound what reaches the index. */
      clean = g_strstrip (g_utf8_substring (valid, 0, MIN (g_utf8_strlen (valid, -1), 256)));
    }
  if (clean != NULL && *clean == '\0')
    g_clear_pointer (&clean, g_free);
  if (g_strcmp0 (clean, self->query) == 0)
    return;

  g_free (self->query);
  self->query = g_steal_pointer (&clean);
  wf_session_list_reload (self);
}

void
wf_session_list_focus_search (WfSessionList *self)
{
  g_return_if_fail (WF_IS_SESSION_LIST (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
