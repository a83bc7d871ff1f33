/* wf-welcome-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-welcome-page"

#include "config.h"

#include <glib/gi18n.h>

#include "wf-welcome-page.h"

struct _WfWelcomePage
{
  GtkWidget   parent_instance;

  GtkWidget  *status_page;
  GtkBox     *examples;
};

enum {
  ASK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WfWelcomePage, wf_welcome_page, GTK_TYPE_WIDGET)

/* Examples answered by the offline templates too, so they work without a key. */
static const char *examples[] = {
  /* xgettext:no-c-format */
  N_("Can I afford a $40k van loan at 7.5% over 5 years?"),
  /* xgettext:no-c-format */
  N_("What if I raise prices 5% and lose 3% of my customers?"),
  N_("How many months of runway do I have with $120k cash and $15k monthly burn?"),
  N_("What’s the break-even point if fixed costs are $8,000 a month, price $45 and unit cost $18?"),
  N_("Is buying a $12,000 machine worth it if it saves $350 a month?"),
};

static void
example_clicked_cb (WfWelcomePage *self,
                    GtkButton     *button)
{
  const char *question = g_object_get_data (G_OBJECT (button), "question");

  g_assert (WF_IS_WELCOME_PAGE (self));

  g_signal_emit (self, signals[ASK], 0, question);
}

static void
wf_welcome_page_dispose (GObject *object)
{
  WfWelcomePage *self = (WfWelcomePage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), WF_TYPE_WELCOME_PAGE);
  /* The template's root box has no id, so dispose_template leaves it. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (wf_welcome_page_parent_class)->dispose (object);
}

static void
wf_welcome_page_class_init (WfWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wf_welcome_page_dispose;

  /**
   * WfWelcomePage::ask:
   * @question: the example question, translated
   *
   * Fires when an example is clicked; the chat sends it as a question.
   */
  signals[ASK] =
    g_signal_new ("ask",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/whatif/WhatIf/wf-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WfWelcomePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, WfWelcomePage, examples);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
wf_welcome_page_init (WfWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      GtkWidget *button;
      GtkWidget *label;

      label = gtk_label_new (_(examples[i]));
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
      button = gtk_button_new ();
      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_add_css_class (button, "example-question");
      g_object_set_data (G_OBJECT (button), "question", (gpointer) _(examples[i]));
      g_signal_connect_object (button, "clicked", G_CALLBACK (example_clicked_cb),
                               self, G_CONNECT_SWAPPED);
      gtk_box_append (self->examples, button);
    }
}

GtkWidget *
wf_welcome_page_new (void)
{
  return g_object_new (WF_TYPE_WELCOME_PAGE, NULL);
}
