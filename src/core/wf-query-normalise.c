/* wf-query-normalise.c: German and Spanish into English, and common typos
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-query-router"

#include "config.h"

#include "wf-query-router.h"
#include "wf-query-router-private.h"

#include <math.h>
#include <string.h>

/* ---- German and Spanish ------------------------------------------------- */

/* The router's lexicon is English. A German or Spanish question is first
 * rewritten phrase by phrase into the English the router knows, and its
 * numbers into the English convention (40.000 → 40000, 7,5 → 7.5, 2 Mio. →
 * 2 million, 50 mil → 50 thousand), so the same intents and roles apply. Only
 * text that reads as German or Spanish is touched.
 *
 * In a phrase, '#' stands for an amount and '*' for the rest of a word
 * ("erhöh*": erhöhe, erhöhen, erhöht); in its translation '#' is the amount
 * again. German puts the verb last ("wenn ich die Preise um 10 % erhöhe"), so
 * the phrases with amounts put it back where English has it. At each word the
 * longest phrase that matches wins. */

typedef struct
{
  const char *from;   /* lower case, whole words */
  const char *to;
} Phrase;

static const Phrase german_phrases[] = {
  /* questions */
  { "wie hoch ist meine monatliche rate", "what is my monthly payment" },
  { "wie hoch ist die monatliche rate", "what is the monthly payment" },
  { "wie hoch ist meine rate", "what is my monthly payment" },
  { "wie hoch ist die rate", "what is the monthly payment" },
  { "wie hoch ist der", "what is the" }, { "wie hoch ist die", "what is the" }, { "wie hoch ist das", "what is the" },
  { "wie hoch ist meine", "what is my" }, { "wie hoch ist mein", "what is my" }, { "wie hoch ist", "what is" },
  { "wie hoch sind", "what are" }, { "wie hoch", "how high" },
  { "monatliche rate", "monthly payment" }, { "monatsrate", "monthly payment" },
  { "wie lange reicht mein geld", "how long will my cash last" },
  { "wie lange reicht das geld", "how long will the cash last" },
  { "wie lange reicht unser geld", "how long will our cash last" },
  { "wie lange reicht unsere liquidität", "how long will our cash last" },
  { "wie lange reicht meine liquidität", "how long will my cash last" },
  { "wie lange reicht die liquidität", "how long will the cash last" },
  { "wie lange reicht", "how long will it last" }, { "reicht das geld", "will the cash last" },
  { "wie viele monate reicht", "how many months will it last" },
  { "geht uns das geld aus", "do we run out of money" }, { "geht mir das geld aus", "do i run out of money" },
  { "geht das geld aus", "does the money run out" }, { "das geld ausgeht", "the money runs out" },
  { "uns das geld ausgeht", "we run out of money" }, { "mir das geld ausgeht", "i run out of money" },
  { "wie viel habe ich dann", "how much will i have" }, { "wie viel habe ich", "how much will i have" },
  { "wie viel hätte ich", "how much will i have" }, { "wie viel haben wir", "how much will we have" },
  { "wie lange dauert es", "how long until" }, { "wie lange brauche ich", "how long will it take" },
  { "wie lange brauchen wir", "how long will it take" }, { "wie lange dauert die", "how long is the" },
  { "wie lange", "how long" }, { "wann bin ich schuldenfrei", "when will i be debt free" },
  { "schuldenfrei", "debt free" },
  { "wie viel zinsen zahle ich", "how much interest do i pay" },
  { "wie viel zinsen zahlen wir", "how much interest do we pay" },
  { "wie viele zinsen zahle ich", "how much interest do i pay" },
  { "zahle ich an zinsen", "do i pay in interest" }, { "zinsen zahle ich", "interest do i pay" },
  { "wie viele muss ich verkaufen", "how many do i need to sell" },
  { "wie viele müssen wir verkaufen", "how many do we need to sell" },
  { "muss ich verkaufen", "do i need to sell" }, { "müssen wir verkaufen", "do we need to sell" },
  { "verkaufen muss", "need to sell" }, { "verkaufen müssen", "need to sell" },
  { "ab wie vielen stück", "how many units" }, { "ab wie viel stück", "how many units" },
  { "wie viele stück", "how many units" }, { "wie viele einheiten", "how many units" },
  { "wie viele", "how many" }, { "wie viel", "how much" }, { "wieviel", "how much" }, { "wieviele", "how many" },
  { "nach wie vielen jahren", "how many years until" }, { "nach wie vielen monaten", "how many months until" },
  { "was kostet mich", "what does it cost me" }, { "was kostet", "what is the cost of" },
  { "was kostet uns", "what does it cost us" },
  { "was passiert mit meinem gewinn", "what happens to my profit" },
  { "was passiert mit unserem gewinn", "what happens to our profit" },
  { "was passiert mit dem gewinn", "what happens to the profit" },
  { "was passiert mit", "what happens to" }, { "was passiert", "what happens" },
  { "welchen preis muss ich verlangen", "what should i charge" },
  { "welchen preis sollte ich verlangen", "what should i charge" },
  { "was muss ich verlangen", "what should i charge" }, { "was sollte ich verlangen", "what should i charge" },
  { "welchen preis", "what price" }, { "verlangen", "charge" },
  { "lohnt sich", "is it worth it" }, { "lohnt es sich", "is it worth it" }, { "rentiert sich", "is it worth it" },
  { "rechnet sich", "is it worth it" }, { "soll ich", "should i" }, { "sollte ich", "should i" },
  { "sollen wir", "should we" }, { "sollten wir", "should we" },
  { "welchem", "what" }, { "welchen", "what" }, { "welche", "what" }, { "welcher", "what" }, { "welches", "what" },
  { "wann", "when" }, { "wie", "how" }, { "was ist", "what is" }, { "was sind", "what are" },
  /* loans */
  { "abbezahlt", "paid off" }, { "abbezahlen", "pay off" }, { "zurückzahlen", "pay off" },
  { "abzubezahlen", "pay off" }, { "zurückzuzahlen", "pay off" }, { "abzuzahlen", "pay off" },
  { "abzahlen", "pay off" }, { "tilgen", "pay off" }, { "zu tilgen", "to pay off" },
  { "kreditkarte", "credit card" }, { "kredit", "loan" }, { "kredits", "loan" }, { "darlehen", "loan" },
  { "darlehens", "loan" }, { "ratenkredit", "loan" }, { "hypothek", "mortgage" }, { "baufinanzierung", "mortgage" },
  { "schulden", "debt" }, { "dispo", "overdraft" }, { "dispokredit", "overdraft" },
  { "einen kredit über", "a loan of" }, { "ein darlehen über", "a loan of" }, { "kredit über", "loan of" },
  { "darlehen über", "loan of" }, { "leihe", "borrow" }, { "leihen", "borrow" },
  { "zinssatz", "interest rate" }, { "zinsen", "interest" }, { "zins", "interest" },
  { "mit # zinsen", "at # interest" }, { "mit # % zinsen", "at # % interest" },
  { "laufzeit", "term" }, { "rate", "payment" }, { "raten", "payments" }, { "tilgung", "payment" },
  { "tilgungsrate", "payment" }, { "insgesamt", "in total" },
  { "zahle", "pay" }, { "zahlen", "pay" }, { "zahlt", "pays" }, { "bezahle", "pay" }, { "bezahlen", "pay" },
  /* investments */
  { "kapitalkosten", "cost of capital" }, { "kalkulationszins*", "discount rate" },
  { "diskontierungszins*", "discount rate" }, { "abzinsungssatz", "discount rate" }, { "diskontsatz", "discount rate" },
  { "kapitalwert", "npv" }, { "nettobarwert", "npv" }, { "nettokapitalwert", "npv" },
  { "interne* zinsfuß", "irr" }, { "interne* zinsfuss", "irr" }, { "rendite", "return" },
  { "investition", "investment" }, { "investitionen", "investments" }, { "investieren", "invest" },
  { "investiere", "invest" }, { "investiert", "invested" },
  { "einbringt", "brings in" }, { "einbringen", "bring in" }, { "bringt", "brings in" }, { "bringen", "bring in" },
  { "erwirtschaftet", "generates" }, { "abwirft", "returns" },
  { "spart", "saves" }, { "einspart", "saves" }, { "einsparen", "save" }, { "spart ein", "saves" },
  { "ersparnis", "saving" }, { "jahre lang", "years" }, { "jahren lang", "years" }, { "beträgt", "is" },
  { "betragen", "are" }, { "maschine", "machine" }, { "anlage", "equipment" },
  { "heute wert", "worth today" }, { "heute noch wert", "worth today" }, { "wert", "worth" },
  { "barwert", "present value" }, { "gegenwartswert", "present value" }, { "endwert", "future value" },
  { "zukunftswert", "future value" }, { "mit # % verzinst", "at # % interest" },
  { "zu # % verzinst", "at # % interest" }, { "verzinst", "at interest" },
  { "effektiv* jahreszins*", "effective annual rate" }, { "jahreszins*", "annual rate" },
  { "monatliche* verzinsung", "compounded monthly" }, { "verzinsung", "compounding" },
  { "monatlich verzinst", "compounded monthly" }, { "entsprechen", "is" }, { "entspricht", "is" },
  /* verb last in a relative clause: "die 6.000 € im Jahr spart" */
  { "# im jahr spart", "saves # a year" }, { "# pro jahr spart", "saves # per year" },
  { "# jährlich spart", "saves # annually" }, { "# im monat spart", "saves # a month" },
  { "# pro monat spart", "saves # per month" }, { "# monatlich spart", "saves # monthly" },
  { "# im jahr einspart", "saves # a year" }, { "# pro jahr einspart", "saves # per year" },
  { "# im monat einspart", "saves # a month" }, { "# pro monat einspart", "saves # per month" },
  { "# im jahr bringt", "brings in # a year" }, { "# pro jahr bringt", "brings in # per year" },
  { "# im monat bringt", "brings in # a month" }, { "# pro monat bringt", "brings in # per month" },
  { "# im jahr einbringt", "brings in # a year" }, { "# pro jahr einbringt", "brings in # per year" },
  { "# im monat einbringt", "brings in # a month" }, { "# pro monat einbringt", "brings in # per month" },
  { "# im jahr erwirtschaftet", "generates # a year" }, { "# pro jahr erwirtschaftet", "generates # per year" },
  { "# im monat ausgeben", "spend # a month" }, { "# im jahr ausgeben", "spend # a year" },
  { "# pro monat ausgeben", "spend # per month" }, { "# pro jahr ausgeben", "spend # per year" },
  { "# im monat ausgebe", "spend # a month" }, { "# pro monat ausgebe", "spend # per month" },
  { "# im monat verbrennen", "burn # a month" }, { "# pro monat verbrennen", "burn # per month" },
  { "# im monat zahle", "pay # a month" }, { "# pro monat zahle", "pay # per month" },
  { "# im monat spare", "save # a month" }, { "# pro monat spare", "save # per month" },
  { "# im monat anlege", "save # a month" }, { "# pro monat anlege", "save # per month" },
  { "# im monat zurücklege", "put away # a month" }, { "# pro monat zurücklege", "put away # per month" },
  { "um # % wächst", "grows by # %" }, { "um # % wachsen", "grow by # %" }, { "um # % steigt", "grows by # %" },
  { "um # % steigen", "grow by # %" }, { "um # % gestiegen", "grew by # %" }, { "um # % gewachsen", "grew by # %" },
  { "jedes jahr um # % wächst", "grows # % a year" }, { "jährlich um # % wächst", "grows # % a year" },
  { "pro jahr um # % wächst", "grows # % a year" }, { "im jahr um # % wächst", "grows # % a year" },
  { "jedes jahr um # % wachsen", "grow # % a year" }, { "jährlich um # % wachsen", "grow # % a year" },
  { "jedes jahr um # % steigt", "grows # % a year" }, { "jährlich um # % steigt", "grows # % a year" },
  { "ist er in", "will it be in" }, { "ist sie in", "will it be in" }, 
  { "sind sie in", "will they be in" },
  /* growth */
  { "von # auf #", "from # to #" }, { "wachstum*", "growth" }, { "wachstumsrate", "growth rate" },
  { "gestiegen", "grew" }, { "gewachsen", "grew" }, { "wächst", "grows" }, { "wachsen", "grow" },
  { "steigt", "grows" }, { "steigen", "grow" }, { "durchschnittliche* jährliche* wachstum*", "cagr" },
  { "jedes jahr um", "a year by" }, { "jedes jahr", "each year" }, { "jeden monat", "each month" },
  { "jährlich um", "a year by" }, { "pro jahr um", "a year by" }, { "im jahr um", "a year by" },
  { "umsatz", "revenue" }, { "umsätze", "revenue" }, { "einnahmen", "revenue" }, { "erlöse", "revenue" },
  { "gewinn", "profit" }, { "gewinne", "profits" },
  /* break-even */
  { "gewinnschwelle*", "break-even" }, { "break-even-punkt", "break-even point" },
  { "kostendeckung", "break even" }, { "die kosten zu decken", "to cover costs" },
  { "meine kosten zu decken", "to cover my costs" }, { "kosten decken", "cover costs" },
  { "fixkosten", "fixed costs" }, { "fixe* kosten", "fixed costs" }, { "variable* kosten", "variable cost" },
  { "stückkosten", "unit cost" }, { "herstellungskosten", "cost to make" },
  { "in der herstellung", "to make" }, { "in der produktion", "to make" }, { "in der fertigung", "to make" },
  { "einkaufspreis", "cost" }, { "verkaufspreis", "price" }, { "stückpreis", "unit price" },
  { "preis", "price" }, { "preise", "prices" }, { "preisen", "prices" }, { "kosten", "costs" },
  { "kostet", "costs" }, { "# kostet", "costs #" }, { "# kosten", "cost #" }, { "# kostet mich", "costs me #" }, { "kostet mich", "costs me" }, { "kosten mich", "cost me" },
  { "verkaufe", "sell" }, { "verkaufen", "sell" }, { "verkauft", "sold" },
  { "für # einkaufe", "buy for #" }, { "für # verkaufe", "sell for #" },
  { "für # einkaufen", "buy for #" }, { "für # verkaufen", "sell for #" },
  { "zu # einkaufe", "buy at #" }, { "zu # verkaufe", "sell at #" },
  { "kaufe für # ein", "buy for #" }, { "kaufe zu # ein", "buy at #" }, { "kaufe # ein", "buy #" },
  { "einkaufe", "buy" }, { "einkaufen", "buy" }, { "kaufe", "buy" }, { "kaufen", "buy" },
  { "stück", "units" }, { "pro stück", "per unit" }, { "je stück", "per unit" }, { "einheiten", "units" },
  /* prices and customers */
  { "die preise um # % erhöh*", "raise prices by # %" }, { "die preise um # % anheb*", "raise prices by # %" },
  { "die preise um # % senk*", "cut prices by # %" }, { "die preise um # % reduzier*", "cut prices by # %" },
  { "meine preise um # % erhöh*", "raise my prices by # %" }, { "meine preise um # % senk*", "cut my prices by # %" },
  { "unsere preise um # % erhöh*", "raise our prices by # %" }, { "unsere preise um # % senk*", "cut our prices by # %" },
  { "den preis um # % erhöh*", "raise the price by # %" }, { "den preis um # % senk*", "cut the price by # %" },
  { "preise um # % erhöh*", "raise prices by # %" }, { "preise um # % senk*", "cut prices by # %" },
  { "preise erhöh*", "raise prices" }, { "preise senk*", "cut prices" }, { "preiserhöhung", "price increase" },
  { "preissenkung", "price cut" },
  { "# % der kunden verlier*", "lose # % of customers" }, { "# % meiner kunden verlier*", "lose # % of my customers" },
  { "# % unserer kunden verlier*", "lose # % of our customers" }, { "# % der kunden", "# % of customers" },
  { "# % meiner kunden", "# % of my customers" }, { "# % weniger kunden", "# % fewer customers" },
  { "# % mehr kunden", "# % more customers" }, { "kunden verlier*", "lose customers" },
  { "verliere", "lose" }, { "verlieren", "lose" }, { "erhöhe", "raise" }, { "erhöhen", "raise" },
  { "senke", "cut" }, { "senken", "cut" }, { "kunden", "customers" }, { "kunde", "customer" },
  { "abonnenten", "subscribers" },
  /* cash */
  { "liquidität", "cash" }, { "in der kasse", "in the bank" }, { "kasse", "cash" }, { "kassenbestand", "cash" },
  { "auf der bank", "in the bank" }, { "auf dem konto", "in the bank" }, { "auf dem geschäftskonto", "in the bank" },
  { "kontostand", "bank balance" }, { "bargeld", "cash" }, { "rücklagen", "reserves" },
  { "ausgaben", "spending" }, { "verbrenne", "burn" }, { "verbrennen", "burn" }, { "gebe", "spend" },
  { "geben", "spend" }, { "ausgeben", "spend" }, { "geld", "cash" },
  /* payback */
  { "amortisiert sich", "pays for itself" }, { "sich amortisiert", "pays for itself" }, { "hat sich", "has" },
  { "amortisiert", "pays for itself" }, { "amortisation", "payback" }, { "amortisationszeit", "payback period" },
  { "amortisationsdauer", "payback period" }, { "macht sich bezahlt", "pays for itself" },
  { "sich bezahlt gemacht", "paid for itself" }, { "solaranlage", "solar panels" },
  /* margin and markup */
  { "marge", "margin" }, { "gewinnmarge", "margin" }, { "handelsspanne", "margin" }, { "bruttomarge", "gross margin" },
  { "aufschlag", "markup" }, { "preisaufschlag", "markup" }, { "kalkulationsaufschlag", "markup" },
  /* depreciation */
  { "lineare abschreibung", "straight-line depreciation" }, { "abschreibung*", "depreciation" },
  { "abschreiben", "depreciate" }, { "restwert", "salvage value" }, { "buchwert", "book value" },
  { "transporter", "van" }, { "lieferwagen", "van" },
  /* working capital and stock */
  { "forderungen", "receivables" }, { "verbindlichkeiten", "payables" }, { "lagerbestand", "inventory" },
  { "tage lagerbestand", "days of inventory" }, { "tage lager", "days of inventory" }, { "lager", "inventory" },
  { "lieferanten", "suppliers" }, { "kunden zahlen nach", "customers pay in" },
  { "kunden zahlen in", "customers pay in" }, { "zahle lieferanten nach", "pay suppliers in" },
  { "zahle die lieferanten nach", "pay suppliers in" }, { "zahlen lieferanten nach", "pay suppliers in" },
  { "geldumschlag", "cash conversion cycle" }, { "kapitalbindung*", "cash conversion cycle" },
  { "betriebskapital", "working capital" }, { "umlaufvermögen", "working capital" },
  { "optimale bestellmenge", "economic order quantity" }, { "bestellmenge", "order quantity" },
  { "pro bestellung", "per order" }, { "je bestellung", "per order" }, { "bestellkosten", "order cost" },
  { "lagerkosten", "to hold" }, { "lagerhaltungskosten", "to hold" }, { "meldebestand", "reorder point" },
  { "sicherheitsbestand", "safety stock" }, { "nachbestellen", "reorder" },
  /* hiring */
  { "ein neuer mitarbeiter", "a new employee" }, { "einen neuen mitarbeiter", "a new employee" },
  { "neuer mitarbeiter", "new employee" }, { "neuen mitarbeiter", "new employee" },
  { "mitarbeiter", "employees" }, { "mitarbeiterin", "employee" }, { "angestellte", "employees" },
  { "einstellen", "hire" }, { "einstelle", "hire" }, { "einzustellen", "hire" }, { "anstellen", "hire" },
  { "lohnnebenkosten", "payroll tax" }, { "sozialabgaben", "payroll tax" }, { "lohnkosten", "payroll" },
  { "personalkosten", "payroll" }, { "gehalt", "salary" }, { "bruttogehalt", "salary" }, { "lohn", "wage" },
  { "jahresgehalt", "salary" }, { "inklusive", "including" }, { "je", "each" },
  /* savings */
  { "sparen", "save" }, { "spare", "save" }, { "sparplan", "savings plan" }, { "anlege", "save" },
  { "anlegen", "save" }, { "lege", "put" }, { "zurück", "away" }, { "zurücklegen", "put away" },
  { "gespart", "in savings" }, { "erspart", "in savings" }, { "ersparnisse", "savings" },
  /* other money */
  { "aktien", "shares" }, { "aktie", "stock" }, { "dollar", "dollars" }, { "wechselkurs", "exchange rate" },
  /* periods */
  { "pro monat", "per month" }, { "im monat", "a month" }, { "monatlich", "monthly" }, { "monatliche", "monthly" },
  { "monatlichen", "monthly" }, { "pro jahr", "per year" }, { "im jahr", "a year" }, { "jährlich", "annually" },
  { "jährliche", "annual" }, { "jährlichen", "annual" }, { "pro woche", "per week" }, { "in der woche", "a week" },
  { "wöchentlich", "weekly" }, { "pro tag", "per day" }, { "am tag", "a day" },
  { "jahren", "years" }, { "jahre", "years" }, { "jahr", "year" },
  { "monaten", "months" }, { "monate", "months" }, { "monat", "month" },
  { "wochen", "weeks" }, { "tagen", "days" }, { "tage", "days" }, { "tag", "day" },
  { "heute", "today" }, { "morgen", "tomorrow" }, { "wetter", "weather" },
  /* small words */
  { "wenn", "if" }, { "falls", "if" }, { "dann", "then" }, { "nach", "after" }, { "um", "by" },
  { "über", "over" }, { "für", "for" }, { "zu", "at" }, { "bei", "at" }, { "von", "of" }, { "auf", "to" },
  { "mit", "with" }, { "ohne", "without" }, { "oder", "or" }, { "aber", "but" }, { "auch", "also" },
  { "einen", "a" }, { "eine", "a" }, { "ein", "a" }, { "einer", "a" }, { "einem", "a" }, { "eines", "a" },
  { "der", "the" }, { "die", "the" }, { "das", "the" }, { "den", "the" }, { "dem", "the" }, { "des", "the" },
  { "meine", "my" }, { "mein", "my" }, { "meinen", "my" }, { "meinem", "my" }, { "meiner", "my" },
  { "unser", "our" }, { "unsere", "our" }, { "unseren", "our" }, { "unserem", "our" }, { "unserer", "our" },
  { "ich", "i" }, { "wir", "we" }, { "sie", "they" }, { "es", "it" }, { "mich", "me" }, { "mir", "me" },
  { "uns", "us" }, { "habe", "have" }, { "haben", "have" }, { "hat", "has" }, { "und", "and" },
  { "ist", "is" }, { "sind", "are" }, { "will", "want" }, { "möchte", "want" }, { "brauche", "need" },
  { "mehr", "more" }, { "neue", "new" }, { "neuen", "new" },
};

static const Phrase spanish_phrases[] = {
  /* questions */
  { "cuánto pago al mes", "what is my monthly payment" },
  { "cuanto pago al mes", "what is my monthly payment" },
  { "cuál es la cuota mensual", "what is the monthly payment" },
  { "cual es la cuota mensual", "what is the monthly payment" },
  { "qué cuota pagaré", "what will my monthly payment be" }, { "que cuota pagaré", "what will my monthly payment be" },
  { "qué cuota pagaría", "what would my monthly payment be" }, { "qué cuota", "what monthly payment" },
  { "cuánto pagaré de cuota mensual", "what will my monthly payment be" },
  { "cuánto pagaré de cuota", "what will my monthly payment be" },
  { "cuota mensual", "monthly payment" }, { "pago mensual", "monthly payment" },
  { "cuánto tendré", "how much will i have" }, { "cuanto tendre", "how much will i have" },
  { "cuanto tendré", "how much will i have" }, { "cuánto ahorro tendré", "how much will i have" },
  { "cuánto tendremos", "how much will we have" },
  { "cuánto tiempo me dura el dinero", "how long will my cash last" },
  { "cuanto tiempo me dura el dinero", "how long will my cash last" },
  { "cuánto tiempo nos dura el dinero", "how long will our cash last" },
  { "me dura la caja", "will my cash last" }, { "nos dura la caja", "will our cash last" },
  { "me dura el dinero", "will my cash last" }, { "nos dura el dinero", "will our cash last" },
  { "me dura", "will it last" }, { "nos dura", "will it last" },
  { "nos quedamos sin caja", "do we run out of cash" }, { "nos quedamos sin dinero", "do we run out of money" },
  { "me quedo sin caja", "do i run out of cash" }, { "me quedo sin dinero", "do i run out of money" },
  { "quedarme sin", "run out of" }, { "quedarnos sin", "run out of" },
  { "cuánto tardo en pagar", "how long will it take to pay off" },
  { "cuanto tardo en pagar", "how long will it take to pay off" },
  { "cuánto tiempo tardo en pagar", "how long will it take to pay off" },
  { "cuánto tardaré en pagar", "how long will it take to pay off" },
  { "cuándo termino de pagar", "when will i pay off" }, { "termino de pagar", "pay off" },
  { "en cuánto tiempo", "how long until" }, { "en cuanto tiempo", "how long until" },
  { "cuánto tiempo", "how long" }, { "cuanto tiempo", "how long" },
  { "cuántos intereses pago", "how much interest do i pay" },
  { "cuántos intereses pagaré", "how much interest will i pay" },
  { "cuánto pago de intereses", "how much interest do i pay" },
  { "cuántas tengo que vender", "how many do i need to sell" }, { "cuántos tengo que vender", "how many do i need to sell" },
  { "cuántas necesito vender", "how many do i need to sell" }, { "cuántos necesito vender", "how many do i need to sell" },
  { "tengo que vender", "i need to sell" }, { "necesito vender", "i need to sell" },
  { "tenemos que vender", "we need to sell" }, { "cuántas unidades", "how many units" },
  { "cuántos meses", "how many months" }, { "cuántos años", "how many years" },
  { "cuántos", "how many" }, { "cuántas", "how many" }, { "cuantos", "how many" }, { "cuantas", "how many" },
  { "cuánto", "how much" }, { "cuanto", "how much" }, { "cuándo", "when" }, { "cuando", "when" },
  { "qué pasa con mi beneficio", "what happens to my profit" },
  { "qué pasa con el beneficio", "what happens to the profit" },
  { "qué pasa con mis beneficios", "what happens to my profit" },
  { "qué pasa con", "what happens to" }, { "qué pasa", "what happens" }, { "qué ocurre con", "what happens to" },
  { "qué precio pongo", "what should i charge" }, { "qué precio debo poner", "what should i charge" },
  { "qué precio cobro", "what should i charge" }, { "qué precio debo cobrar", "what should i charge" },
  { "cuánto debo cobrar", "what should i charge" }, { "cuánto cobro", "what should i charge" },
  { "vale la pena", "is it worth it" }, { "merece la pena", "is it worth it" }, { "compensa", "is it worth it" },
  { "cuál es", "what is" }, { "cual es", "what is" }, { "cuáles son", "what are" }, { "cuál", "what" },
  { "qué", "what" }, { "que", "that" },
  /* loans */
  { "tarjeta de crédito", "credit card" }, { "tarjeta de credito", "credit card" },
  { "pedir un préstamo", "borrow" }, { "pedir prestado", "borrow" },
  { "préstamo", "loan" }, { "prestamo", "loan" }, { "crédito", "loan" }, { "credito", "loan" },
  { "hipoteca", "mortgage" }, { "deuda", "debt" }, { "deudas", "debt" }, { "debo", "i owe" },
  { "tasa de interés", "interest rate" }, { "tipo de interés", "interest rate" },
  { "tasa de interes", "interest rate" }, { "tipo de interes", "interest rate" },
  { "intereses", "interest" }, { "interés", "interest" }, { "interes", "interest" },
  { "de interés", "interest" }, { "de interes", "interest" },
  { "plazo", "term" }, { "pagar", "pay off" }, { "pago", "pay" }, { "pagando", "paying" }, { "pagaré", "will i pay" },
  { "cuota", "payment" }, { "cuotas", "payments" }, { "en total", "in total" },
  /* investments */
  { "coste de capital", "cost of capital" }, { "costo de capital", "cost of capital" },
  { "tasa de descuento", "discount rate" }, { "tipo de descuento", "discount rate" },
  { "van", "npv" }, { "valor actual neto", "npv" }, { "tir", "irr" }, { "tasa interna de retorno", "irr" },
  { "rentabilidad", "return" }, { "invertir", "invest" }, { "invierto", "invest" }, { "inversión", "investment" },
  { "inversion", "investment" }, { "genera", "generates" }, { "devuelve", "returns" }, { "ahorra", "saves" },
  { "ahorraría", "would save" }, { "máquina", "machine" }, { "maquina", "machine" },
  { "valen hoy", "worth today" }, { "vale hoy", "worth today" }, { "valor actual", "present value" },
  { "valor presente", "present value" }, { "valor futuro", "future value" }, { "valdrán", "be worth" },
  { "valdrá", "be worth" }, { "dentro de", "in" }, { "recibiré", "receive" }, { "recibir", "receive" },
  { "tasa anual efectiva", "effective annual rate" }, { "tasa efectiva anual", "effective annual rate" },
  { "tae", "effective annual rate" }, { "corresponde a", "is" }, { "equivale a", "is" },
  { "capitalización mensual", "compounded monthly" }, { "capitalizable mensualmente", "compounded monthly" },
  /* growth */
  { "pasó de # a #", "went from # to #" }, { "pasaron de # a #", "went from # to #" },
  { "creció de # a #", "grew from # to #" }, { "crecieron de # a #", "grew from # to #" },
  { "subió de # a #", "grew from # to #" }, { "subieron de # a #", "grew from # to #" },
  { "ha pasado de # a #", "went from # to #" }, { "han pasado de # a #", "went from # to #" },
  { "facturación", "revenue" }, { "facturacion", "revenue" }, { "ventas", "sales" }, { "ingresos", "revenue" },
  { "crecimiento", "growth" }, { "crecen", "grow" }, { "crece", "grows" }, { "crecer", "grow" },
  { "creció", "grew" }, { "crecieron", "grew" }, { "serán", "will they be" }, { "será", "will it be" },
  { "beneficio", "profit" }, { "beneficios", "profits" }, { "ganancia", "profit" }, { "ganancias", "profits" },
  /* break-even, prices, customers */
  { "punto de equilibrio", "break-even point" }, { "punto muerto", "break-even point" },
  { "cubrir costes", "cover costs" }, { "cubrir costos", "cover costs" }, { "cubrir los costes", "cover costs" },
  { "cubrir gastos", "cover costs" }, { "cubrir", "cover" },
  { "costos fijos", "fixed costs" }, { "costes fijos", "fixed costs" }, { "gastos fijos", "fixed costs" },
  { "costo variable", "variable cost" }, { "coste variable", "variable cost" }, { "costes variables", "variable cost" },
  { "coste unitario", "unit cost" }, { "costo unitario", "unit cost" }, { "coste de fabricación", "cost to make" },
  { "costos", "costs" }, { "costes", "costs" }, { "coste", "cost" }, { "costo", "cost" },
  { "me cuestan", "cost me" }, { "me cuesta", "costs me" }, { "nos cuesta", "costs us" }, { "cuesta", "costs" },
  { "cuestan", "cost" }, { "vendo", "i sell" }, { "vender", "sell" }, { "vendemos", "we sell" }, { "compro", "i buy" },
  { "comprar", "buy" }, { "compramos", "we buy" }, { "precio", "price" }, { "precios", "prices" },
  { "subo los precios", "i raise prices" }, { "subir los precios", "raise prices" },
  { "subimos los precios", "we raise prices" }, { "bajo los precios", "i cut prices" },
  { "bajar los precios", "cut prices" }, { "bajamos los precios", "we cut prices" },
  { "subo el precio", "i raise my price" }, { "subir el precio", "raise the price" },
  { "bajo el precio", "i cut my price" }, { "bajar el precio", "cut the price" },
  { "subo mis precios", "i raise my prices" }, { "bajo mis precios", "i cut my prices" },
  { "un #", "by #" }, { "en un #", "by #" },
  { "el # % de los clientes", "# % of customers" }, { "el # % de mis clientes", "# % of my customers" },
  { "un # % de los clientes", "# % of customers" }, { "un # % de clientes", "# % of customers" },
  { "de los clientes", "of customers" }, { "pierdo", "lose" }, { "perder", "lose" }, { "perdemos", "lose" },
  { "clientes", "customers" }, { "cliente", "customer" }, { "unidades", "units" }, { "unidad", "unit" },
  { "por unidad", "per unit" },
  /* cash */
  { "en el banco", "in the bank" }, { "en la cuenta", "in the bank" }, { "en caja", "in cash" },
  { "caja", "cash" }, { "tesorería", "cash" }, { "liquidez", "cash" }, { "gasto", "burn" }, { "gastamos", "burn" },
  { "gastar", "spend" }, { "gastos", "spending" }, { "dinero", "cash" }, { "dura", "last" },
  /* payback */
  { "periodo de recuperación", "payback period" }, { "período de recuperación", "payback period" },
  { "plazo de recuperación", "payback period" }, { "se paga sola", "pays for itself" },
  { "se paga solo", "pays for itself" }, { "se amortiza", "pays for itself" },
  { "recupero la inversión", "get my money back" }, { "recuperar la inversión", "recoup the investment" },
  { "placas solares", "solar panels" },
  /* margin and markup */
  { "margen de beneficio", "margin" }, { "margen bruto", "gross margin" }, { "margen", "margin" },
  { "recargo", "markup" }, { "sobreprecio", "markup" },
  /* depreciation */
  { "amortización lineal", "straight-line depreciation" }, { "depreciación lineal", "straight-line depreciation" },
  { "amortización del préstamo", "loan repayment" }, { "amortización", "depreciation" },
  { "amortizacion", "depreciation" }, { "depreciación", "depreciation" }, { "depreciacion", "depreciation" },
  { "valor residual", "salvage value" }, { "valor contable", "book value" }, { "furgoneta", "van" },
  { "ordenador", "computer" },
  /* working capital and stock */
  { "mis clientes me pagan a", "my customers pay in" }, { "los clientes me pagan a", "customers pay in" },
  { "clientes me pagan a", "customers pay in" }, { "me pagan a", "get paid in" },
  { "pago a proveedores a", "pay suppliers in" }, { "pago a los proveedores a", "pay suppliers in" },
  { "pagamos a proveedores a", "pay suppliers in" }, { "proveedores", "suppliers" },
  { "días de inventario", "days of inventory" }, { "días de stock", "days of stock" }, { "inventario", "inventory" },
  { "existencias", "inventory" }, { "ciclo de caja", "cash conversion cycle" },
  { "ciclo de conversión de efectivo", "cash conversion cycle" }, { "ciclo de conversión de caja", "cash conversion cycle" },
  { "cuentas por cobrar", "receivables" }, { "cuentas por pagar", "payables" },
  { "periodo medio de cobro", "dso" }, { "fondo de maniobra", "working capital" },
  { "capital de trabajo", "working capital" }, { "capital circulante", "working capital" },
  { "tamaño óptimo de pedido", "economic order quantity" }, { "lote económico", "economic order quantity" },
  { "cantidad económica de pedido", "economic order quantity" }, { "por pedido", "per order" },
  { "coste de almacenamiento", "to hold" }, { "costo de almacenamiento", "to hold" },
  { "de coste de almacenamiento", "to hold" }, { "de costo de almacenamiento", "to hold" },
  { "pedido", "order" }, { "pedidos", "orders" }, { "punto de pedido", "reorder point" },
  { "stock de seguridad", "safety stock" },
  /* hiring */
  { "contratar a", "hire" }, { "contratar", "hire" }, { "contrato a", "i hire" }, { "contratamos a", "we hire" },
  { "un empleado", "an employee" }, { "empleado", "employee" }, { "empleados", "employees" },
  { "trabajadores", "employees" }, { "personas", "people" }, { "cargas sociales", "payroll tax" },
  { "seguridad social", "payroll tax" }, { "cotizaciones sociales", "payroll tax" },
  { "sueldo", "salary" }, { "salario", "salary" }, { "nómina", "payroll" },
  { "cada una", "each" }, { "cada uno", "each" }, { "coste total", "total cost" }, { "costo total", "total cost" },
  { "cuánto me cuesta", "what does it cost" }, { "cuánto nos cuesta", "what does it cost" },
  /* savings */
  { "ahorrar", "save" }, { "ahorro", "save" }, { "ahorramos", "save" }, { "ahorrado", "in savings" },
  { "ahorros", "savings" }, { "meto", "put away" }, { "aporto", "put away" },
  /* other money */
  { "acciones", "shares" }, { "dólares", "dollars" }, { "dolares", "dollars" }, { "en euros", "in euros" },
  { "tipo de cambio", "exchange rate" },
  /* periods */
  { "al mes", "a month" }, { "por mes", "per month" }, { "mensual", "monthly" }, { "mensuales", "a month" },
  { "mensualmente", "monthly" }, { "cada mes", "each month" }, { "al año", "a year" }, { "por año", "per year" },
  { "anual", "annual" }, { "anuales", "a year" }, { "anualmente", "annually" }, { "cada año", "each year" },
  { "a la semana", "a week" }, { "por semana", "per week" }, { "al día", "a day" }, { "por día", "per day" },
  { "años", "years" }, { "año", "year" }, { "meses", "months" }, { "mes", "month" },
  { "semanas", "weeks" }, { "días", "days" }, { "dias", "days" }, { "hoy", "today" },
  /* small words */
  { "si", "if" }, { "al", "at" }, { "durante", "over" }, { "por", "for" }, { "para", "for" }, { "de", "of" },
  { "del", "of the" }, { "con", "with" }, { "sin", "without" }, { "más", "plus" },
  { "un", "a" }, { "una", "a" }, { "mi", "my" }, { "mis", "my" }, { "nuestro", "our" }, { "nuestra", "our" },
  { "el", "the" }, { "la", "the" }, { "los", "the" }, { "las", "the" }, { "lo", "it" },
  { "tengo", "i have" }, { "tenemos", "we have" }, { "tiene", "has" }, { "quiero", "i want" },
  { "necesito", "i need" }, { "y", "and" }, { "es", "is" }, { "son", "are" }, { "en", "in" }, { "o", "or" },
  { "se", "it" }, { "me", "me" }, { "nos", "us" },
};

/* Words that only German or Spanish has: two of them make the question one. */
static const char *german_markers[] = {
  "kredit", "darlehen", "wie", "ist", "meine", "mein", "für", "über", "jahre", "jahren", "monate",
  "monaten", "einen", "eine", "ich", "wir", "und", "monatliche", "zinsen", "hypothek", "laufzeit",
  "der", "das", "den", "dem", "mit", "wenn", "nach", "sind", "habe", "haben", "unser", "unsere",
  "bei", "zu", "von", "pro", "monat", "jahr", "viel", "viele", "wieviel", "lohnt", "sich", "muss",
  "kosten", "preis", "preise", "kunden", "umsatz", "gewinn", "wird", "wetter", "morgen", "nicht", "oder",
  "auch", "sollte", "soll", "heute", "wann", "welche", "welchen", "welcher", "einer", "einem", "auf",
  "fixkosten", "stück", "geld", "mitarbeiter", "gehalt", "marge", "aufschlag", "abschreibung", "euro", NULL,
};

static const char *spanish_markers[] = {
  "préstamo", "prestamo", "cuánto", "cuanto", "cuántos", "cuántas", "cuántos", "pago", "al", "mes", "años",
  "por", "meses", "mi", "mis", "crédito", "hipoteca", "cuota", "interés", "intereses", "tengo", "tenemos",
  "durante", "de", "la", "el", "los", "las", "que", "qué", "con", "para", "y", "es", "un", "una", "del",
  "se", "cuál", "si", "año", "en", "quién", "ganó", "partido", "hoy", "cómo", "dónde", "precio", "clientes",
  "ventas", "dinero", "caja", "margen", "sueldo", "vendo", "compro", NULL,
};

static gboolean
is_word_char (const char *p)
{
  gunichar ch = g_utf8_get_char (p);

  return g_unichar_isalnum (ch) || ch == '-';
}

static guint
count_markers (char * const *words,
               const char  **markers)
{
  guint i, n = 0;

  for (i = 0; words[i] != NULL; i++)
    if (g_strv_contains (markers, words[i]))
      n++;
  return n;
}

/* 40.000 → 40000, 1.250.000,50 → 1250000.50, 7,5 → 7.5 */
static void
append_european_number (GString     *out,
                        const char **inout)
{
  const char *p = *inout;

  while (*p != '\0')
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (out, *p++);
      else if (*p == '.' && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) && g_ascii_isdigit (p[3]) &&
               !g_ascii_isdigit (p[4]))
        p++;   /* thousands */
      else if (*p == ',' && g_ascii_isdigit (p[1]))
        {
          g_string_append_c (out, '.');
          p++;
        }
      else
        break;
    }
  *inout = p;
}

/* An amount at *INOUT: the number, then a multiplier ("2 Mio.", "50 mil",
 * "1,5 millones") and a currency ("€", "Euro"), appended to OUT in English
 * ("2 million euros"). FALSE when there is no number. */
static gboolean
append_foreign_amount (GString     *out,
                       const char **inout)
{
  static const Phrase multipliers[] = {
    { "mio.", " million" }, { "mio", " million" }, { "millionen", " million" }, { "million", " million" },
    { "mrd.", " billion" }, { "mrd", " billion" }, { "milliarden", " billion" }, { "tsd.", " thousand" },
    { "tausend", " thousand" }, { "millones", " million" }, { "millón", " million" }, { "millon", " million" },
    { "mill.", " million" }, { "mil", " thousand" },
  };
  static const Phrase currencies[] = {
    { "\xe2\x82\xac", " euros" }, { "euros", " euros" }, { "euro", " euros" }, { "eur", " eur" },
  };
  const char *p = *inout;
  const char *q;
  guint k;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  append_european_number (out, &p);
  q = wf_query_skip_spaces (p);
  for (k = 0; k < G_N_ELEMENTS (multipliers); k++)
    {
      gsize n = strlen (multipliers[k].from);

      if (strncmp (q, multipliers[k].from, n) == 0 &&
          (multipliers[k].from[n - 1] == '.' || q[n] == '\0' || !is_word_char (q + n)))
        {
          g_string_append (out, multipliers[k].to);
          p = q + n;
          q = wf_query_skip_spaces (p);
          break;
        }
    }
  for (k = 0; k < G_N_ELEMENTS (currencies); k++)
    {
      gsize n = strlen (currencies[k].from);

      if (strncmp (q, currencies[k].from, n) == 0 && (k == 0 || q[n] == '\0' || !is_word_char (q + n)))
        {
          g_string_append (out, currencies[k].to);
          p = q + n;
          break;
        }
    }
  *inout = p;
  return TRUE;
}

/* Whether phrase FROM matches the text at P. On a match, *OUT_END is where
 * it ends and AMOUNTS has the amounts that stood for its '#', in order. */
static gboolean
match_phrase (const char  *p,
              const char  *from,
              const char **out_end,
              GPtrArray   *amounts)
{
  g_ptr_array_set_size (amounts, 0);
  while (*from != '\0')
    {
      if (*from == '#')
        {
          GString *amount = g_string_new (NULL);

          if (!append_foreign_amount (amount, &p))
            {
              g_string_free (amount, TRUE);
              return FALSE;
            }
          g_ptr_array_add (amounts, g_string_free (amount, FALSE));
          from++;
        }
      else if (*from == '*')
        {
          while (*p != '\0' && is_word_char (p))
            p = g_utf8_next_char (p);
          from++;
        }
      else if (*from == ' ')
        {
          if (*p != ' ')
            return FALSE;
          p = wf_query_skip_spaces (p);
          from++;
        }
      else if (*p == *from)
        {
          p++;
          from++;
        }
      else
        return FALSE;
    }
  if (*p != '\0' && is_word_char (p))
    return FALSE;
  *out_end = p;
  return TRUE;
}

char *
wf_query_normalise_foreign (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);
  g_autofree char *spaced = g_strdup (lower);
  g_auto(GStrv) words = NULL;
  g_autoptr(GPtrArray) amounts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) best_amounts = g_ptr_array_new_with_free_func (g_free);
  const Phrase *phrases;
  gsize n_phrases;
  GString *out;
  guint de, es;
  const char *p;
  char *c;

  /* ¿ and ¡ are two bytes, the second of which is also in "á": not split on bytes. */
  for (c = spaced; *c != '\0'; c++)
    if ((guchar) c[0] == 0xc2 && ((guchar) c[1] == 0xbf || (guchar) c[1] == 0xa1))
      c[0] = c[1] = ' ';
  words = g_strsplit_set (spaced, " \t\r\n,.;:!?()", -1);
  de = count_markers (words, german_markers);
  es = count_markers (words, spanish_markers);
  if (de >= 2 && de > es)
    {
      phrases = german_phrases;
      n_phrases = G_N_ELEMENTS (german_phrases);
    }
  else if (es >= 2 && es > de)
    {
      phrases = spanish_phrases;
      n_phrases = G_N_ELEMENTS (spanish_phrases);
    }
  else
    return NULL;

  out = g_string_sized_new (strlen (lower) + 32);
  p = lower;
  while (*p != '\0')
    {
      gboolean at_word_start = p == lower || !is_word_char (g_utf8_prev_char (p));
      const Phrase *best = NULL;
      const char *best_end = p;
      gsize k;

      if (at_word_start && is_word_char (p))
        for (k = 0; k < n_phrases; k++)
          {
            const char *end;

            if (match_phrase (p, phrases[k].from, &end, amounts) && end > best_end)
              {
                GPtrArray *swap = best_amounts;

                best = &phrases[k];
                best_end = end;
                best_amounts = amounts;
                amounts = swap;
              }
          }
      if (best != NULL)
        {
          const char *t;
          guint n = 0;

          for (t = best->to; *t != '\0'; t++)
            if (*t == '#' && n < best_amounts->len)
              g_string_append (out, g_ptr_array_index (best_amounts, n++));
            else
              g_string_append_c (out, *t);
          p = best_end;
          continue;
        }
      if (at_word_start && append_foreign_amount (out, &p))
        continue;
      if (at_word_start && is_word_char (p))
        {
          /* Any other word is copied whole. */
          while (*p != '\0' && is_word_char (p))
            {
              const char *next = g_utf8_next_char (p);

              g_string_append_len (out, p, next - p);
              p = next;
            }
          continue;
        }
      if (strncmp (p, "\xc2\xbf", 2) == 0 || strncmp (p, "\xc2\xa1", 2) == 0)
        {
          p += 2;   /* ¿ ¡ */
          continue;
        }
      {
        const char *next = g_utf8_next_char (p);

        g_string_append_len (out, p, next - p);
        p = next;
      }
    }
  return g_string_free (out, FALSE);
}

/* ---- typos -------------------------------------------------------------- */

/* Misspellings owners type in a hurry, whole words only. The lexicon then
 * reads "intrest" as "interest" and "todays money" as "today's money". */
static const Phrase typos[] = {
  { "intrest", "interest" }, { "intrests", "interest" }, { "interst", "interest" }, { "interset", "interest" },
  { "intreset", "interest" }, { "monthy", "monthly" }, { "montly", "monthly" }, { "monthley", "monthly" },
  { "mortage", "mortgage" }, { "morgage", "mortgage" }, { "mortgauge", "mortgage" }, { "laon", "loan" },
  { "payed", "paid" }, { "repayements", "repayments" }, { "repayement", "repayment" },
  { "proffit", "profit" }, { "profitt", "profit" }, { "prfit", "profit" }, { "margain", "margin" },
  { "marign", "margin" }, { "mark-up", "markup" }, { "brake even", "break even" }, { "breakeven", "break-even" },
  { "reciveables", "receivables" }, { "recievables", "receivables" }, { "receiveables", "receivables" },
  { "supliers", "suppliers" }, { "suppliars", "suppliers" }, { "inventroy", "inventory" },
  { "invetory", "inventory" }, { "depreciaton", "depreciation" }, { "deprecation", "depreciation" },
  { "anual", "annual" }, { "anually", "annually" }, { "annualy", "annually" }, { "yearley", "yearly" },
  { "todays", "today's" }, { "cashflow", "cash flow" }, { "runaway", "runway" }, { "salery", "salary" },
  { "sallary", "salary" }, { "employe", "employee" }, { "investmnet", "investment" },
  { "invesment", "investment" }, { "retirment", "retirement" }, { "savigns", "savings" },
  { "buisness", "business" }, { "bussiness", "business" }, { "busines", "business" },
  { "pyament", "payment" }, { "paymnet", "payment" }, { "payemnt", "payment" },
  { "whats", "what's" }, { "hows", "how's" }, { "im", "i'm" }, { "ive", "i've" },
};

/* The text with its typos fixed, lower case; NULL when it has none. Byte
 * offsets change, so this runs before anything is extracted. */
char *
wf_query_normalise_typos (const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);
  GString *out = g_string_sized_new (strlen (lower) + 16);
  gboolean changed = FALSE;
  const char *p = lower;

  while (*p != '\0')
    {
      gsize k;

      if (g_ascii_isalpha (*p) && (p == lower || !g_ascii_isalnum (p[-1])))
        {
          for (k = 0; k < G_N_ELEMENTS (typos); k++)
            {
              gsize n = strlen (typos[k].from);

              if (strncmp (p, typos[k].from, n) == 0 && !g_ascii_isalnum (p[n]) && p[n] != '\'')
                {
                  g_string_append (out, typos[k].to);
                  changed = changed || strcmp (typos[k].from, typos[k].to) != 0;
                  p += n;
                  break;
                }
            }
          if (k < G_N_ELEMENTS (typos))
            continue;
          while (g_ascii_isalnum (*p) || *p == '\'')
            g_string_append_c (out, *p++);
          continue;
        }
      g_string_append_c (out, *p++);
    }
  if (!changed)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

