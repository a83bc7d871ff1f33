# SPDX-License-Identifier: GPL-3.0-or-later
"""CSV import, run inside the job process of the sandbox (after seccomp).

The CSV file is untrusted. It is read three times, each pass streaming with
bounded memory:

  1. bytes: NUL bytes and well-known binary magic numbers (not a CSV file),
     the encoding (UTF-8 with or without BOM, else Windows-1252);
  2. the csv module: delimiter and quoting, field size, column count, ragged
     rows and unterminated quotes, each reported with its line number; the
     column types are inferred block by block on the distinct values;
  3. pandas.read_csv in chunks: the values converted to the inferred types and
     inserted into a temporary table of the workbook, renamed to its final
     name in the same transaction at the end (replace: the old table is
     dropped in that transaction too). Any failure rolls the whole
     transaction back, so nothing half-imported stays.

Messages on the protocol descriptor: progress, then either a table
"import_columns" (name, type, format) and a metric "import_rows", or a log
error plus a metric "import_error" (1 too large, 2 parse, 3 not text,
4 exists) and "import_line".
"""
import codecs
import csv
import json
import os
import re
import sqlite3
import time

MAX_FIELD = 1 << 20            # bytes of one cell (Excel stops at 32 767 characters)
MAX_COLUMNS = 1000
MAX_ROWS = 50 * 1000 * 1000
MAX_NAME = 128
BLOCK_ROWS = 20000             # rows per classification block (pass 2)
CHUNK_ROWS = 50000             # rows per pandas chunk (pass 3)
SNIFF_BYTES = 64 * 1024

ERR_TOO_LARGE = 1
ERR_PARSE = 2
ERR_NOT_TEXT = 3
ERR_EXISTS = 4

MAGIC = [
    (b"PK\x03\x04", "a ZIP archive (an .xlsx or .ods spreadsheet?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel (.xls) or Office file"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"Rar!", "a RAR archive"),
    (b"MZ", "a Windows program"),
]


class ImportError_(Exception):
    def __init__(self, code, message, line=0):
        Exception.__init__(self, message)
        self.code = code
        self.line = line


def _line_of(data, offset, base_line):
    return base_line + data.count(b"\n", 0, offset)


# ------------------------------------------------------------------ pass 1

def scan_bytes(path, progress):
    """Returns (encoding, size). Raises ImportError_ for binary or undecodable files."""
    size = os.path.getsize(path)
    if size == 0:
        raise ImportError_(ERR_PARSE, "The file is empty")
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
        if head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"):
            raise ImportError_(ERR_NOT_TEXT, "The file is in UTF-16; save it as UTF-8 CSV and "
                                             "import it again")
        for magic, what in MAGIC:
            if head.startswith(magic):
                raise ImportError_(ERR_NOT_TEXT, "This is not a CSV file: it looks like %s" % what)
        control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
        if control > max(8, len(head) // 100):
            raise ImportError_(ERR_NOT_TEXT, "This is not a text file: it has many control bytes")
        bom = head.startswith(codecs.BOM_UTF8)
        f.seek(0)
        dec = codecs.getincrementaldecoder("utf-8")("strict")
        seen_non_ascii = False
        line = 1
        pos = 0
        utf8_ok = True
        bad = None
        while True:
            data = f.read(1 << 20)
            if not data:
                break
            nul = data.find(b"\x00")
            if nul >= 0:
                raise ImportError_(ERR_NOT_TEXT, "This is not a text file: it has a NUL byte on "
                                                 "line %d" % _line_of(data, nul, line), _line_of(data, nul, line))
            if utf8_ok:
                try:
                    dec.decode(data, False)
                except UnicodeDecodeError as e:
                    utf8_ok = False
                    bad = (_line_of(data, e.start, line), data[e.start])
                    if not data[:e.start].isascii():
                        seen_non_ascii = True
                if utf8_ok and not seen_non_ascii and not data.isascii():
                    seen_non_ascii = True
            line += data.count(b"\n")
            pos += len(data)
            progress("Checking the file", 0.05 * pos / size)
        if utf8_ok:
            try:
                dec.decode(b"", True)
            except UnicodeDecodeError:
                raise ImportError_(ERR_NOT_TEXT, "The file ends in the middle of a UTF-8 character")
            return ("utf-8-sig" if bom else "utf-8"), size
        if seen_non_ascii or bom:
            # Valid UTF-8 text before it: a damaged UTF-8 file, not Windows-1252.
            raise ImportError_(ERR_NOT_TEXT, "Line %d has a byte (0x%02X) that is not valid UTF-8"
                               % bad, bad[0])
        # Windows-1252: only five byte values are undefined.
        f.seek(0)
        line = 1
        while True:
            data = f.read(1 << 20)
            if not data:
                break
            m = re.search(b"[\x81\x8d\x8f\x90\x9d]", data)
            if m:
                ln = _line_of(data, m.start(), line)
                raise ImportError_(ERR_NOT_TEXT, "Line %d has a byte (0x%02X) that is neither UTF-8 "
                                   "nor Windows-1252 text" % (ln, data[m.start()]), ln)
            line += data.count(b"\n")
        return "cp1252", size


def sniff_delimiter(path, encoding):
    with open(path, "r", encoding=encoding, newline="") as f:
        sample = f.read(SNIFF_BYTES)
    # Count candidates outside quotes on the first lines; the delimiter is the
    # one with the same non-zero count on the most lines.
    lines = []
    cur = []
    quoted = False
    for ch in sample:
        if ch == '"':
            quoted = not quoted
        if ch == "\n" and not quoted:
            lines.append("".join(cur))
            cur = []
            if len(lines) >= 50:
                break
            continue
        if not quoted or ch == '"':
            cur.append(ch)
    if cur and len(lines) < 50 and len(sample) < SNIFF_BYTES:
        lines.append("".join(cur))
    lines = [l for l in lines if l.strip()]
    if not lines:
        return ","
    best, best_score = ",", (-1, 0)
    for d in (",", ";", "\t", "|"):
        counts = [l.count(d) for l in lines]
        if counts[0] == 0:
            continue
        same = sum(1 for c in counts if c == counts[0])
        score = (same, counts[0])
        if score > best_score:
            best, best_score = d, score
    return best


# ------------------------------------------------------------- type inference

CURRENCY = r"(?:[$€£¥₹]|US\$|USD|EUR|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|kr)"
NUMBER_RE = re.compile(
    r"(?P<open>\()?\s*(?P<s1>[-+])?\s*(?P<c1>" + CURRENCY + r")?\s*(?P<s2>[-+])?\s*"
    r"(?P<num>\d[\d.,'\u00a0\u202f ]*|[.,]\d+)\s*(?P<c2>" + CURRENCY + r")?\s*(?P<pct>%)?\s*(?P<close>\))?")
US_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")
EU_RE = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?|,\d+")
SPACE_RE = re.compile(r"\d{1,3}(?:['\u00a0\u202f ]\d{3})+(?P<dec>[.,]\d+)?")
INT_BLOCK = re.compile(r"(?:[-+]?\d{1,18}\n)*")
PLAIN_BLOCK = re.compile(r"(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d{1,3})?\n)*")
EU_THOUSANDS_BLOCK = re.compile(r"(?:[-+]?\d{1,3}\.\d{3}\n)*")
EDGE_SPACE = re.compile(r"(?m)^\s|[^\S\n]$")
PLAIN_INT = re.compile(r"[-+]?\d+")
LONG_DIGITS = re.compile(r"(?m)^[-+]?\d{19,}$")
LEADING_ZERO = re.compile(r"(?m)^[-+]?0\d")
DATE_SHAPE_BLOCK = re.compile(
    r"(?:(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?"
    r"|[A-Za-z]{3,9}\.? \d{1,2},? \d{4}|\d{1,2} [A-Za-z]{3,9}\.? \d{4})\n)*")

DATE_FORMATS = [
    ("%Y-%m-%d", "date"), ("%Y/%m/%d", "date"),
    ("%m/%d/%Y", "date"), ("%d/%m/%Y", "date"),
    ("%d.%m.%Y", "date"), ("%d-%m-%Y", "date"), ("%m-%d-%Y", "date"),
    ("%m/%d/%y", "date"), ("%d/%m/%y", "date"), ("%d.%m.%y", "date"),
    ("%b %d, %Y", "date"), ("%d %b %Y", "date"), ("%B %d, %Y", "date"), ("%d %B %Y", "date"),
    ("%Y-%m-%d %H:%M:%S", "datetime"), ("%Y-%m-%dT%H:%M:%S", "datetime"),
    ("%Y-%m-%dT%H:%M:%SZ", "datetime"), ("%Y-%m-%d %H:%M", "datetime"),
    ("%Y-%m-%dT%H:%M", "datetime"),
    ("%m/%d/%Y %H:%M", "datetime"), ("%d/%m/%Y %H:%M", "datetime"),
    ("%d.%m.%Y %H:%M", "datetime"), ("%m/%d/%Y %H:%M:%S", "datetime"),
    ("%d/%m/%Y %H:%M:%S", "datetime"),
]


def _number_conventions(num):
    """The conventions ("us", "eu") under which the digits NUM are a number."""
    if num.isdigit():
        return {"us", "eu"}
    m = SPACE_RE.fullmatch(num)
    if m:
        dec = m.group("dec")
        if dec is None:
            return {"us", "eu"}
        return {"us"} if dec[0] == "." else {"eu"}
    conv = set()
    if US_RE.fullmatch(num):
        conv.add("us")
    if EU_RE.fullmatch(num):
        conv.add("eu")
    return conv


def _whole_under(num):
    """The conventions under which the digits NUM are a whole number."""
    if num.isdigit():
        return {"us", "eu"}
    m = SPACE_RE.fullmatch(num)
    if m:
        return {"us", "eu"} if m.group("dec") is None else set()
    whole = set()
    if US_RE.fullmatch(num) and "." not in num:
        whole.add("us")
    if EU_RE.fullmatch(num) and "," not in num:
        whole.add("eu")
    return whole


class Column:
    def __init__(self):
        self.numeric = True        # still possibly a number of some kind
        self.int_conv = {"us", "eu"}  # conventions under which every value is whole
        self.grouped = False       # a whole number with separators, brackets or spaces
        self.conv = {"us", "eu"}
        self.currency = None       # a symbol seen
        self.pct_seen = False
        self.plain_seen = False    # a number without %
        self.dates = [f for f in DATE_FORMATS]
        self.non_empty = 0

    def text(self):
        return not self.numeric and not self.dates

    def feed(self, values):
        if self.text():
            return
        u = set(values)
        u.discard("")
        if not u:
            return
        blob = "\n".join(u) + "\n"
        if blob.count("\n") != len(u):
            # A cell with a line break is text, whatever else it holds.
            self.numeric = False
            self.dates = []
            return
        if EDGE_SPACE.search(blob):
            u = {v.strip() for v in u}
            u.discard("")
            if not u:
                return
            blob = "\n".join(u) + "\n"
        self.non_empty += len(u)
        if self.numeric:
            self._feed_numeric(u, blob)
        if self.dates:
            self._feed_dates(u, blob)

    def _feed_numeric(self, u, blob):
        if LEADING_ZERO.search(blob) and not re.search(r"(?m)^[-+]?0[.,]", blob):
            # "007", "01234": identifiers or postcodes, not numbers.
            if re.search(r"(?m)^[-+]?0\d+\n", blob):
                self.numeric = False
                return
        if LONG_DIGITS.search(blob):
            # Account or card numbers: a float would silently round them.
            self.numeric = False
            return
        if INT_BLOCK.fullmatch(blob):
            self.plain_seen = True
            return
        if PLAIN_BLOCK.fullmatch(blob) and not EU_THOUSANDS_BLOCK.fullmatch(blob):
            self.int_conv = set()
            self.plain_seen = True
            self.conv &= {"us"}
            if not self.conv:
                self.numeric = False
            return
        for v in u:
            m = NUMBER_RE.fullmatch(v)
            if m is None or (m.group("open") is None) != (m.group("close") is None) \
                    or (m.group("s1") and m.group("s2")) or (m.group("c1") and m.group("c2")):
                self.numeric = False
                return
            num = m.group("num").strip()
            if LEADING_ZERO.match(num) and num.isdigit():
                self.numeric = False
                return
            conv = _number_conventions(num)
            self.conv &= conv
            if not self.conv:
                self.numeric = False
                return
            self.int_conv &= _whole_under(num)
            if sum(ch.isdigit() for ch in num) > 18:
                self.int_conv = set()
            elif not PLAIN_INT.fullmatch(v):
                self.grouped = True
            cur = m.group("c1") or m.group("c2")
            if cur:
                if self.currency is None:
                    self.currency = cur
            if m.group("pct"):
                self.pct_seen = True
            else:
                self.plain_seen = True
            if self.pct_seen and self.plain_seen:
                self.numeric = False
                return
            if self.pct_seen and self.currency:
                self.numeric = False
                return

    def _feed_dates(self, u, blob):
        import pandas as pd
        if not DATE_SHAPE_BLOCK.fullmatch(blob):
            self.dates = []
            return
        values = list(u)
        keep = []
        # pandas' ISO path does not hold a value to the format exactly (a
        # time passes "%Y-%m-%d"): whether times are present decides the kind.
        want = "datetime" if ":" in blob else "date"
        for fmt, kind in self.dates:
            if kind != want:
                continue
            try:
                parsed = pd.to_datetime(values, format=fmt, errors="coerce")
            except (ValueError, TypeError, OverflowError):
                continue
            if not parsed.isna().any():
                keep.append((fmt, kind))
        self.dates = keep

    def result(self, delimiter):
        """(type, format) where format is what pass 3 needs to convert."""
        if self.non_empty == 0:
            return "text", ""
        if self.numeric:
            conv = self.conv
            if len(conv) == 2:
                conv = {"eu"} if delimiter == ";" else {"us"}
            conv = next(iter(conv))
            if self.pct_seen:
                return "percentage", conv
            if self.currency:
                return "currency", conv
            if conv in self.int_conv:
                # "1,200,000" is a whole number too; its separators need the
                # convention to be read, plain digits do not.
                return "integer", conv if self.grouped else "int"
            return "decimal", conv
        if self.dates:
            fmts = [f for f, _ in self.dates]
            pick = self.dates[0]
            # d/m against m/d: both parse every value; a ';' file is European.
            if delimiter == ";":
                for f, kind in self.dates:
                    if f.startswith("%d"):
                        pick = (f, kind)
                        break
            del fmts
            return pick[1], pick[0]
        return "text", ""


def _cell_fits(value, typ, fmt):
    c = Column()
    c.feed([value])
    if c.non_empty == 0:
        return True
    if typ in ("integer",):
        if not c.numeric or c.pct_seen or c.currency:
            return False
        if fmt == "int":
            return not c.grouped and bool(c.int_conv)
        return fmt in c.int_conv
    if typ in ("decimal", "currency", "percentage"):
        return c.numeric and (fmt in c.conv or fmt == "int")
    if typ in ("date", "datetime"):
        return any(f == fmt for f, _ in c.dates)
    return False


def column_names(first_row, n, header):
    names = []
    seen = set()
    for i in range(n):
        raw = first_row[i] if header and i < len(first_row) else ""
        name = "".join(ch for ch in raw.strip() if ch.isprintable())[:MAX_NAME]
        if not name:
            name = "column_%d" % (i + 1)
        base = name
        k = 2
        while name.lower() in seen:
            name = "%s_%d" % (base, k)
            k += 1
        seen.add(name.lower())
        names.append(name)
    return names


# ------------------------------------------------------------------ pass 2

def scan_rows(path, encoding, delimiter, size, progress):
    """Validates every row; returns (first_row, n_columns, n_data_rows_after_first, columns)."""
    csv.field_size_limit(MAX_FIELD)
    first = None
    ncols = 0
    columns = None
    block = []
    n_rows = 0
    with open(path, "r", encoding=encoding, newline="") as f:
        reader = csv.reader(f, delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
        start_line = 1
        last_report = time.monotonic()
        while True:
            start_line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                msg = str(e)
                if "field larger than field limit" in msg:
                    raise ImportError_(ERR_TOO_LARGE,
                                       "A field starting on line %d is larger than %d KiB (an "
                                       "unterminated quote?)" % (start_line, MAX_FIELD // 1024),
                                       start_line)
                if "unexpected end of data" in msg or "EOF" in msg:
                    raise ImportError_(ERR_PARSE, "The quote opened on line %d is never closed"
                                       % start_line, start_line)
                if "expected after" in msg:
                    raise ImportError_(ERR_PARSE, "Line %d: a quoted field is followed by text "
                                       "before the next delimiter" % reader.line_num, reader.line_num)
                if "new-line character" in msg:
                    raise ImportError_(ERR_PARSE, "Line %d: a carriage return inside an unquoted "
                                       "field" % reader.line_num, reader.line_num)
                raise ImportError_(ERR_PARSE, "Line %d: %s" % (reader.line_num, msg), reader.line_num)
            if not row:
                continue            # a blank line (pandas skips these too)
            if first is None:
                if len(row) > MAX_COLUMNS:
                    raise ImportError_(ERR_TOO_LARGE, "Line %d has %d columns; at most %d can be "
                                       "imported" % (start_line, len(row), MAX_COLUMNS), start_line)
                first = row
                ncols = len(row)
                columns = [Column() for _ in range(ncols)]
                continue
            if len(row) != ncols:
                raise ImportError_(ERR_PARSE, "Line %d has %d fields where the first line has %d"
                                   % (start_line, len(row), ncols), start_line)
            block.append(row)
            n_rows += 1
            if n_rows > MAX_ROWS:
                raise ImportError_(ERR_TOO_LARGE, "The file has more than %d rows" % MAX_ROWS,
                                   start_line)
            if len(block) >= BLOCK_ROWS:
                _classify(columns, block)
                block = []
                now = time.monotonic()
                if now - last_report > 0.5:
                    last_report = now
                    try:
                        pos = f.buffer.tell()
                    except (OSError, AttributeError, ValueError):
                        pos = 0
                    progress("Read %d rows" % n_rows, 0.05 + 0.35 * min(1.0, pos / size))
    if block:
        _classify(columns, block)
    if first is None:
        raise ImportError_(ERR_PARSE, "The file has no rows")
    return first, ncols, n_rows, columns


def _classify(columns, block):
    for col, values in zip(columns, zip(*block)):
        col.feed(values)


# ------------------------------------------------------------------ pass 3

def _convert(series, typ, fmt):
    """A list of Python values (None for empty cells) for SQLite."""
    import numpy as np
    import pandas as pd
    s = series.astype(str)
    if typ == "text":
        arr = s.to_numpy(dtype=object, copy=True)
        arr[arr == ""] = None
        return arr.tolist()
    s = s.str.strip()
    empty = (s == "").to_numpy()
    if typ in ("date", "datetime"):
        parsed = pd.to_datetime(s.where(~empty, None), format=fmt, errors="coerce")
        out_fmt = "%Y-%m-%d" if typ == "date" else "%Y-%m-%d %H:%M:%S"
        text = parsed.dt.strftime(out_fmt)
        bad = parsed.isna().to_numpy() & ~empty
        if bad.any():
            raise ValueError("value %r is not a date" % s[bad].iloc[0])
        return [None if isinstance(v, float) else v for v in text.tolist()]
    neg = None
    if typ in ("currency", "percentage", "decimal") or fmt != "int":
        neg = s.str.startswith("(").to_numpy()
        s = s.str.replace(CURRENCY + r"|[()%\s'\u00a0\u202f]", "", regex=True)
        if fmt == "eu":
            s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            s = s.str.replace(",", "", regex=False)
        # "- $5" / "$-5" leave the sign in place after the symbol is gone.
    num = pd.to_numeric(s.where(~empty, None), errors="coerce")
    bad = num.isna().to_numpy() & ~empty
    if bad.any():
        raise ValueError("value %r is not a number" % series[bad].iloc[0])
    arr = num.to_numpy(dtype="float64")
    if neg is not None and neg.any():
        arr = np.where(neg, -np.abs(arr), arr)
    if typ == "percentage":
        arr = arr / 100.0
    if typ == "integer":
        whole = num.astype("Int64")
        if neg is not None and neg.any():
            whole = whole.where(~neg, -whole.abs())
        if not empty.any():
            return whole.astype("int64").tolist()
        return [None if e else int(v) for v, e in zip(whole.tolist(), empty)]
    if not empty.any():
        return arr.tolist()
    return [None if e else v for v, e in zip(arr.tolist(), empty)]


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


SQL_TYPES = {"integer": "INTEGER", "decimal": "REAL", "currency": "REAL", "percentage": "REAL",
             "date": "TEXT", "datetime": "TEXT", "text": "TEXT"}


def write_table(workbook, table, replace, path, encoding, delimiter, header, names, types,
                expected_rows, size, progress):
    import pandas as pd
    tmp = "_import_" + table
    con = sqlite3.connect(workbook, isolation_level=None, timeout=30)
    try:
        # The journal file is a bind mount: it can be truncated, never deleted.
        con.execute("PRAGMA journal_mode=TRUNCATE")
        con.execute("PRAGMA temp_store=MEMORY")
        con.execute("PRAGMA cache_size=-8000")
        con.execute("BEGIN IMMEDIATE")
        try:
            exists = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                                 (table,)).fetchone() is not None
            if exists and not replace:
                raise ImportError_(ERR_EXISTS, "The workbook already has a table %s" % table)
            con.execute("DROP TABLE IF EXISTS " + _quote(tmp))
            cols = ", ".join("%s %s" % (_quote(n), SQL_TYPES[t]) for n, (t, _) in zip(names, types))
            con.execute("CREATE TABLE %s (%s)" % (_quote(tmp), cols))
            insert = "INSERT INTO %s VALUES (%s)" % (_quote(tmp), ", ".join("?" * len(names)))
            n = 0
            raw = open(path, "rb")
            try:

                reader = [] if expected_rows == 0 else pd.read_csv(raw, sep=delimiter, quotechar='"', doublequote=True,
                                     encoding=encoding, header=None, names=list(range(len(names))),
                                     skiprows=1 if header else 0, dtype=str, na_filter=False,
                                     keep_default_na=False, skip_blank_lines=True,
                                     chunksize=CHUNK_ROWS, engine="c")
                for chunk in reader:
                    values = [_convert(chunk[i], t, f) for i, (t, f) in enumerate(types)]
                    con.executemany(insert, zip(*values))
                    n += len(chunk)
                    try:
                        pos = raw.tell()
                    except (OSError, ValueError):
                        pos = 0
                    progress("Imported %d of %d rows" % (n, expected_rows),
                             0.4 + 0.58 * min(1.0, pos / size))
            finally:
                raw.close()
            if n != expected_rows:
                raise ImportError_(ERR_PARSE, "The file was read as %d rows once and %d rows "
                                   "the second time; it may be malformed" % (expected_rows, n))
            if exists:
                con.execute("DROP TABLE " + _quote(table))
            con.execute("ALTER TABLE %s RENAME TO %s" % (_quote(tmp), _quote(table)))
            con.execute("COMMIT")
            return n
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise
    finally:
        con.close()


# ------------------------------------------------------------------ entry

def run(job, proto, send):
    """The import job. Returns the runner's exit code (0 or 1)."""
    spec = job.get("import") or {}
    path = spec.get("path") or ""
    table = str(spec.get("table") or "")
    workbook = job.get("workbook") or ""
    try:
        options = json.loads(job.get("code") or "{}")
    except ValueError:
        options = {}
    replace = bool(options.get("replace"))
    last = [0.0]

    def progress(message, fraction):
        now = time.monotonic()
        if fraction < 1.0 and now - last[0] < 0.25:
            return
        last[0] = now
        send(proto, {"type": "progress", "message": message,
                     "fraction": max(0.0, min(1.0, float(fraction)))})

    def fail(code, message, line=0):
        send(proto, {"type": "metric", "name": "import_error", "value": code})
        send(proto, {"type": "metric", "name": "import_line", "value": line})
        send(proto, {"type": "log", "level": "error", "message": message[:2000]})
        return 1

    if not re.fullmatch(r"[A-Za-z0-9_]{1,100}", table) or table.startswith("_import_"):
        return fail(ERR_PARSE, "The import job has no valid table name")
    if not path or not os.path.isfile(path):
        return fail(ERR_PARSE, "The file to import is not available in the sandbox")
    if not workbook or not os.path.exists(workbook):
        return fail(ERR_PARSE, "The workbook is not available in the sandbox")
    try:
        encoding, size = scan_bytes(path, progress)
        delimiter = sniff_delimiter(path, encoding)
        first, ncols, n_rows, columns = scan_rows(path, encoding, delimiter, size, progress)
        types = [c.result(delimiter) for c in columns]
        # A header unless the first row reads as data under the column types
        # the other rows give (and at least one column is not text).
        header = True
        if n_rows == 0:
            header = True
        elif any(t != "text" for t, _ in types) and \
                all(t != "text" and _cell_fits(first[i], t, f) for i, (t, f) in enumerate(types)):
            header = False
            for i, col in enumerate(columns):
                col.feed([first[i]])
            types = [c.result(delimiter) for c in columns]
            n_rows += 1
        names = column_names(first, ncols, header)
        progress("Read %d rows, %d columns" % (n_rows, ncols), 0.4)
        n = write_table(workbook, table, replace, path, encoding, delimiter, header, names, types,
                        n_rows, size, progress)
    except ImportError_ as e:
        return fail(e.code, str(e), e.line)
    except MemoryError:
        return fail(ERR_TOO_LARGE, "The file needs more memory than the sandbox allows")
    except UnicodeDecodeError as e:
        return fail(ERR_NOT_TEXT, "The file is not valid %s text: %s" % (encoding, e.reason))
    except sqlite3.Error as e:
        return fail(ERR_PARSE, "The workbook could not be written: %s" % e)
    except OSError as e:
        if e.errno == 27:     # EFBIG
            return fail(ERR_TOO_LARGE, "The workbook would grow past the sandbox’s file size limit")
        return fail(ERR_PARSE, "The file could not be read: %s" % e.strerror)
    except Exception as e:   # pandas disagreeing with the csv module, etc.
        msg = str(e)
        m = re.search(r"line (\d+)", msg)
        return fail(ERR_PARSE, "The file could not be parsed: %s" % msg[:500],
                    int(m.group(1)) if m else 0)
    send(proto, {"type": "table", "name": "import_columns", "columns": ["name", "type", "format"],
                 "rows": [[nm, t, f] for nm, (t, f) in zip(names, types)], "truncated": False})
    send(proto, {"type": "metric", "name": "import_rows", "value": n})
    send(proto, {"type": "metric", "name": "import_header", "value": 1 if header else 0})
    send(proto, {"type": "progress", "message": "Imported %d rows" % n, "fraction": 1.0})
    return 0
