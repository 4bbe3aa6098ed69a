#include "ui/widgets/ConversationHtml.h"

namespace ost::ui {

QString escapeMultiline(const QString &text)
{
    QString html = text.toHtmlEscaped();
    html.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    html.replace(QLatin1Char('\n'), QLatin1String("<br>"));
    // keep runs of spaces (indented derivations) visible
    html.replace(QLatin1String("  "), QLatin1String("&nbsp; "));
    return html;
}

QString conversationHtml(const Sample &sample)
{
    QString html = QStringLiteral("<html><body style='margin:2px'>");
    int imageNo = 0;
    for (const Turn &turn : sample.turns) {
        const QString role = QString::fromStdString(turn.role);
        QString colour = QStringLiteral("#5a6270"), bg = QStringLiteral("#f4f5f7");
        if (role == QLatin1String("user")) {
            colour = QStringLiteral("#1f5fa8");
            bg = QStringLiteral("#eef4fb");
        } else if (role == QLatin1String("assistant")) {
            colour = QStringLiteral("#2f7d3b");
            bg = QStringLiteral("#f1f8f1");
        }
        QString body = escapeMultiline(QString::fromStdString(turn.content));
        // Placeholders become numbered chips, in the order the images are listed.
        const QString placeholder = QStringLiteral("&lt;image&gt;");
        int at = 0;
        while ((at = body.indexOf(placeholder, at)) >= 0) {
            const QString chip = QStringLiteral("<span style='background:#dde3ea;color:#333;'>&nbsp;image %1&nbsp;</span>")
                                     .arg(++imageNo);
            body.replace(at, placeholder.size(), chip);
            at += chip.size();
        }
        html += QStringLiteral("<table width='100%' cellspacing='0' cellpadding='6' style='background:%1;margin-bottom:6px'>"
                               "<tr><td><b style='color:%2'>%3</b><br>%4</td></tr></table>")
                    .arg(bg, colour, role.toHtmlEscaped(), body);
    }
    if (sample.turns.empty())
        html += QStringLiteral("<i>(no turns)</i>");
    html += QStringLiteral("</body></html>");
    return html;
}

} // namespace ost::ui
