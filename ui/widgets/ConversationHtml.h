#pragma once
// Renders a sample's turns as escaped HTML for QTextBrowser: role headers, line breaks kept,
// <image> placeholders shown as chips, LaTeX left as source (monospace-friendly, never interpreted).
#include "core/data/Sample.h"

#include <QString>

namespace ost::ui {

QString conversationHtml(const Sample &sample);
QString escapeMultiline(const QString &text);

} // namespace ost::ui
