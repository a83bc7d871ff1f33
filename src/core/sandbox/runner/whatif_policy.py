# SPDX-License-Identifier: GPL-3.0-or-later
"""The Python firewall: a static AST policy and a run-time audit-hook policy.

The runner calls check() on the model's source inside the sandbox and, when
the verdict is "allow", executes the code object check() returns: it is
compiled from the very tree that was checked, so there is no second parse
and no gap between what was checked and what runs.

This is a pre-filter that explains refusals to a person; it is not the
boundary (the OS sandbox is).  Name-based checks can be bypassed, which is
why install_audit_hook() enforces the same policy again at run time.

Nothing here executes the source: ast.parse only parses, so this module may
also be run on the host by tests and the command-line checker.

The runner should also give the model guarded_builtins() as its
"__builtins__": the "import" audit event misses modules already loaded, and
install_audit_hook(allowed_code=<the checked code object>) so that only the
checked code may be executed.

Policy data lives in policy.json next to this file (load_policy()).
"""

import ast
import json
import os
import string
import sys
import unicodedata

__all__ = ["check", "install_audit_hook", "guarded_builtins", "load_policy", "PolicyViolation"]

MODEL_FILENAME = "<model>"


def load_policy(path=None):
    """Returns the policy dict from policy.json (next to this module by default)."""
    if path is None:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "policy.json")
    with open(path, "r", encoding="utf-8") as f:
        return json.load(f)


def _nfkc(name):
    # The compiler NFKC-normalises identifiers (PEP 3131); do the same for
    # names that arrive as strings (getattr, format fields) so that
    # fullwidth or ligature spellings of "eval" or "__class__" are seen.
    return unicodedata.normalize("NFKC", name) if isinstance(name, str) else name


def _is_dunder(name):
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


class _Checker(ast.NodeVisitor):
    def __init__(self, source, policy):
        self.policy = policy
        self.lines = source.splitlines()
        self.rules = []
        self.allowed_imports = set(policy.get("allowed_imports", []))
        self.restricted = {k: set(v) for k, v in policy.get("restricted_modules", {}).items()}
        self.blocked_names = set(policy.get("blocked_names", []))
        self.attr_funcs = set(policy.get("attribute_functions", []))
        self.attr_string_funcs = set(policy.get("attribute_string_functions", []))
        self.module_attrs = set(policy.get("blocked_module_attributes", []))
        self.blocked_attrs = set(policy.get("blocked_attributes", []))
        self.frame_attrs = set(policy.get("frame_attributes", []))
        self.safe_dunders = set(policy.get("safe_dunders", []))
        self.pickle_keywords = set(policy.get("pickle_keywords", ["allow_pickle"]))
        self.path_funcs = set(policy.get("path_functions", []))
        self.url_schemes = tuple(policy.get("url_schemes", []))
        self.max_rules = int(policy.get("max_rules", 50))
        self.star_modules = set(policy.get("star_import_modules", []))
        # ids of nodes that are the callee of a Call: getattr(x, "a") is
        # judged by its arguments, a bare getattr passed around is not.
        self.call_funcs = set()
        # Local names bound to a restricted module ("import io as x" -> x: io).
        self.restricted_aliases = {}
        # Local names bound by import statements.
        self.module_names = set()

    # -- reporting ---------------------------------------------------------

    def _column(self, lineno, col_offset):
        # ast gives the column as a UTF-8 byte offset; people count characters.
        if lineno is None or col_offset is None:
            return 0
        if 1 <= lineno <= len(self.lines):
            raw = self.lines[lineno - 1].encode("utf-8", "surrogatepass")
            return len(raw[:col_offset].decode("utf-8", "replace")) + 1
        return col_offset + 1

    def add(self, rule, node, detail=""):
        if len(self.rules) >= self.max_rules:
            return
        lineno = getattr(node, "lineno", 0) or 0
        col_offset = getattr(node, "col_offset", None)
        if isinstance(node, ast.Attribute) and getattr(node, "end_lineno", None) == lineno:
            # Point at the attribute's name, not at the start of the chain.
            col_offset = node.end_col_offset - len(node.attr.encode("utf-8"))
        column = self._column(lineno, col_offset)
        template = self.policy.get("messages", {}).get(rule, "{detail}")
        detail = str(detail)
        if len(detail) > 80:
            detail = detail[:77] + "…"
        entry = {
            "rule": rule,
            "line": lineno,
            "column": column,
            "message": template.replace("{detail}", detail),
        }
        if entry not in self.rules:
            self.rules.append(entry)

    # -- shared attribute-name policy ---------------------------------------

    def check_attr_name(self, name, node, owner=None, via=None):
        """Applies the attribute policy to NAME (an identifier or a string
        that getattr/attrgetter/format would use as one)."""
        name = _nfkc(name)
        shown = via or name
        if _is_dunder(name):
            if name not in self.safe_dunders:
                self.add("dunder-attribute", node, shown)
            return
        if name in self.frame_attrs:
            self.add("frame-access", node, shown)
            return
        if name in self.module_attrs:
            self.add("module-route", node, shown)
            return
        if name in self.blocked_attrs:
            self.add("blocked-attribute", node, shown)
            return
        if name.startswith("_") and (owner is None or owner in self.module_names):
            # Private attributes of modules lead to their internals
            # (random._os); a model's own objects may use them freely.
            self.add("private-attribute", node, shown)

    # -- imports -----------------------------------------------------------

    def visit_Import(self, node):
        for alias in node.names:
            name = _nfkc(alias.name)
            top = name.split(".")[0]
            if top not in self.allowed_imports:
                self.add("import-not-allowed", node, name)
                continue
            for part in name.split(".")[1:]:
                self.check_attr_name(part, node, via=name)
            self.module_names.add(_nfkc(alias.asname) if alias.asname else top)
            if top in self.restricted:
                self.restricted_aliases[_nfkc(alias.asname) if alias.asname else top] = top
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        if node.level and node.level > 0:
            self.add("import-relative", node)
            return
        module = _nfkc(node.module or "")
        top = module.split(".")[0]
        if top not in self.allowed_imports:
            self.add("import-not-allowed", node, module)
            return
        for part in module.split(".")[1:]:
            self.check_attr_name(part, node, via=module)
        for alias in node.names:
            name = _nfkc(alias.name)
            if module in self.restricted:
                if name not in self.restricted[module]:
                    self.add("import-restricted", node, module)
                continue
            if name == "*":
                # A star import from deep inside a library brings its
                # imported modules (os, sys) in as plain names.
                if module not in self.star_modules:
                    self.add("star-import", node, module)
                continue
            self.check_attr_name(name, node, via=module + "." + name)
            self.module_names.add(_nfkc(alias.asname) if alias.asname else name)

    # -- names and attributes ------------------------------------------------

    def visit_Name(self, node):
        name = _nfkc(node.id)
        if name in self.blocked_names:
            self.add("blocked-name", node, name)
        elif (name in self.attr_funcs or name in self.attr_string_funcs) and id(node) not in self.call_funcs:
            self.add("dynamic-attribute", node, name)
        elif _is_dunder(name) and name not in self.safe_dunders and name not in ("__file__",):
            self.add("dunder-attribute", node, name)
        self.generic_visit(node)

    def visit_Attribute(self, node):
        attr = _nfkc(node.attr)
        owner = self._root_name(node.value)
        if owner is not None and _nfkc(owner) in self.restricted_aliases:
            module = self.restricted_aliases[_nfkc(owner)]
            if attr not in self.restricted[module]:
                self.add("import-restricted", node, module)
        self.check_attr_name(attr, node, owner=owner)
        if attr in self.attr_string_funcs and id(node) not in self.call_funcs:
            self.add("dynamic-attribute", node, attr)
        if attr in ("format", "format_map"):
            self.check_format_receiver(node)
        self.generic_visit(node)

    def _root_name(self, node):
        # The name an attribute chain starts from: np in np.random.x, or
        # the receiver of a call such as pd.DataFrame(...).x.
        while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
            node = node.func if isinstance(node, ast.Call) else node.value
        return _nfkc(node.id) if isinstance(node, ast.Name) else ""

    def visit_MatchClass(self, node):
        # case C(__class__=x) reads the attribute with getattr.
        for name in node.kwd_attrs:
            name = _nfkc(name)
            if _is_dunder(name) and name not in self.safe_dunders:
                self.add("match-attribute", node, name)
            else:
                self.check_attr_name(name, node)
        self.generic_visit(node)

    # -- format-string walks -------------------------------------------------

    def check_format_template(self, template, node):
        try:
            parsed = list(string.Formatter().parse(template))
        except (ValueError, TypeError):
            return
        for _literal, field, spec, _conv in parsed:
            if field and "." in field:
                # {0.attr} walks the argument's attributes ({0.__class__});
                # {0[key]} only indexes it, which honest templates do.
                self.add("format-walk", node, "{" + field + "}")
                return
            if field and "[" in field:
                key = field[field.index("[") + 1:].rstrip("]")
                if _is_dunder(_nfkc(key)):
                    self.add("format-walk", node, "{" + field + "}")
                    return
            if spec and "{" in spec:
                # Nested fields in the spec are formatted too.
                self.check_format_template(spec, node)

    def check_format_receiver(self, node):
        value = node.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            self.check_format_template(value.value, node)
        elif isinstance(value, (ast.BinOp, ast.JoinedStr, ast.Call, ast.Subscript)):
            self.add("format-dynamic", node)

    # -- calls ---------------------------------------------------------------

    def _const_str(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        return None

    def _callee_name(self, func):
        if isinstance(func, ast.Name):
            return _nfkc(func.id)
        if isinstance(func, ast.Attribute):
            return _nfkc(func.attr)
        return None

    def _path_arg(self, node):
        for kw in node.keywords:
            if kw.arg in ("file", "filepath_or_buffer", "path_or_buf", "path", "fname", "io"):
                return kw.value
        return node.args[0] if node.args else None

    def _path_prefix(self, arg):
        """The constant text a path argument starts with, or None."""
        s = self._const_str(arg)
        if s is not None:
            return s
        if isinstance(arg, ast.JoinedStr) and arg.values:
            first = arg.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return first.value
            return ""
        return None

    def check_path(self, node, arg, name):
        prefix = self._path_prefix(arg)
        if prefix is None:
            if name == "open":
                self.add("open-dynamic-path", node)
            return
        low = prefix.strip().lower()
        if low.startswith(self.url_schemes) or "://" in low:
            self.add("url-read", node, prefix)
            return
        full = self._const_str(arg)
        parts = (full if full is not None else prefix).replace("\\", "/").split("/")
        if prefix.startswith(("/", "\\", "~")) or ".." in parts or (len(prefix) > 1 and prefix[1] == ":"):
            self.add("path-outside-workdir", node, prefix)

    def visit_Call(self, node):
        func = node.func
        name = self._callee_name(func)
        self.call_funcs.add(id(func))

        if isinstance(func, ast.Name) and name in self.attr_funcs:
            target = node.args[1] if len(node.args) > 1 else None
            literal = self._const_str(target)
            if literal is None:
                self.add("dynamic-attribute", node, name)
            else:
                owner = self._root_name(node.args[0]) if node.args else ""
                self.check_attr_name(literal, node, owner=owner, via=literal)

        if name in self.attr_string_funcs:
            args = node.args if name == "attrgetter" else node.args[:1]
            for arg in args:
                literal = self._const_str(arg)
                if literal is None:
                    self.add("dynamic-attribute", node, name)
                    continue
                for part in literal.split("."):
                    self.check_attr_name(part, node, via=literal)
            if not node.args:
                self.add("dynamic-attribute", node, name)

        # str.format(template, ...) spelled through the type.
        if (isinstance(func, ast.Attribute) and name in ("format", "format_map")
                and isinstance(func.value, ast.Name) and func.value.id == "str" and node.args):
            literal = self._const_str(node.args[0])
            if literal is not None:
                self.check_format_template(literal, node)
            else:
                self.add("format-dynamic", node)

        for kw in node.keywords:
            if kw.arg in self.pickle_keywords:
                if not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    self.add("pickle", node)

        if name in self.path_funcs and (name != "load" or isinstance(func, ast.Attribute)):
            arg = self._path_arg(node)
            if name == "open" or arg is not None:
                self.check_path(node, arg, name)

        self.generic_visit(node)


def _syntax_rule(policy, exc):
    line = getattr(exc, "lineno", None) or 0
    col = getattr(exc, "offset", None) or 0
    detail = getattr(exc, "msg", None) or str(exc)
    template = policy.get("messages", {}).get("syntax-error", "{detail}")
    return {"rule": "syntax-error", "line": line, "column": col,
            "message": template.replace("{detail}", str(detail))}


def check(source, policy):
    """Checks SOURCE against POLICY without executing it.

    Returns (verdict, code): verdict is {"verdict": "allow"|"block",
    "language": "python", "rules": [{rule, line, column, message}]}; code is
    the code object compiled from the checked tree when allowed, else None.
    """
    verdict = {"verdict": "block", "language": "python", "rules": []}
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as exc:
            verdict["rules"].append(_syntax_rule(policy, exc))
            return verdict, None
    limit = int(policy.get("max_source_bytes", 204800))
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > limit:
        template = policy.get("messages", {}).get("too-large", "{detail}")
        verdict["rules"].append({"rule": "too-large", "line": 0, "column": 0,
                                 "message": template.replace("{detail}", str(limit))})
        return verdict, None
    try:
        tree = ast.parse(source, filename=MODEL_FILENAME, mode="exec")
    except (SyntaxError, ValueError) as exc:
        verdict["rules"].append(_syntax_rule(policy, exc))
        return verdict, None
    except (RecursionError, MemoryError):
        verdict["rules"].append({"rule": "syntax-error", "line": 0, "column": 0,
                                 "message": "The code is nested too deeply to check."})
        return verdict, None

    checker = _Checker(source, policy)
    try:
        checker.visit(tree)
    except RecursionError:
        checker.add("syntax-error", tree, "nested too deeply to check")
    checker.rules.sort(key=lambda r: (r["line"], r["column"]))
    verdict["rules"] = checker.rules
    if checker.rules:
        return verdict, None
    verdict["verdict"] = "allow"
    try:
        code = compile(tree, MODEL_FILENAME, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        # The parser accepts a few things the compiler refuses
        # ("return" outside a function, for example).
        verdict["verdict"] = "block"
        verdict["rules"] = [_syntax_rule(policy, exc)]
        return verdict, None
    return verdict, code


# -- run time ---------------------------------------------------------------


class PolicyViolation(BaseException):
    """Raised by the audit hook.  A BaseException so that a model's
    "except Exception" does not swallow it; on_block has already recorded
    the event and the runner ends the job."""


def _under(path, roots):
    for root in roots:
        if not root:
            continue
        if path == root or path.startswith(root.rstrip("/") + "/"):
            return True
    return False


def install_audit_hook(policy, workdir, on_block, allowed_code=None, workbook=None):
    """Installs the run-time policy (sys.addaudithook; it cannot be removed).

    Refuses process creation, sockets, ctypes, frame introspection, imports
    of modules outside the allow-list made by the model itself, opening files
    outside WORKDIR for writing (or outside WORKDIR, the Python installation
    and WORKBOOK for reading), and compiling or executing source strings from
    the model.  A refused event calls on_block(description) and raises
    PolicyViolation.

    Allowed libraries import internals lazily (pandas imports stdlib
    modules when first used), so an import is only judged when the frame
    that asked for it is the model's own code (filename "<model>").  Likewise
    a compile of a string is judged only when the model asked for it:
    collections.namedtuple compiles strings internally.
    """
    import threading

    allowed = set(policy.get("allowed_imports", []))
    blocked_prefixes = tuple(policy.get("blocked_events", []))
    model_only_prefixes = tuple(policy.get("model_only_events", []))
    workdir_real = os.path.realpath(workdir)
    read_roots = [workdir_real]
    for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.abspath(__file__))):
        read_roots.append(os.path.realpath(p))
    for p in sys.path:
        if p and os.path.isabs(p):
            read_roots.append(os.path.realpath(p))
    read_roots.extend(policy.get("read_paths", []))
    if workbook:
        read_roots.append(os.path.realpath(workbook))

    # Load the allowed heavy libraries now: importing numpy loads ctypes,
    # which the hook would refuse afterwards.
    for name in policy.get("preload_modules", []):
        try:
            __import__(name)
        except Exception:
            pass

    state = threading.local()
    this_file = os.path.abspath(__file__)
    getframe = sys._getframe

    def caller_is_model(through_importlib=False):
        # The first frame outside this module says who asked.  For an import
        # the import machinery's own frames are skipped too; for exec and
        # compile they are not, since importing a module execs its code.
        frame = getframe(2)
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename == this_file or (through_importlib and filename.startswith("<frozen ")):
                frame = frame.f_back
                continue
            return filename == MODEL_FILENAME
        return False

    def refuse(description):
        try:
            on_block(description)
        finally:
            pass
        raise PolicyViolation(description)

    def judge(event, args):
        if event.startswith(blocked_prefixes):
            return event
        if event.startswith(model_only_prefixes):
            # pandas looks at frames to place its warnings; only the model
            # itself is refused.
            return event if caller_is_model() else None
        if event == "import":
            name = args[0] if args else ""
            top = str(name).split(".")[0]
            if top not in allowed and caller_is_model(through_importlib=True):
                return "import of " + str(name)
            return None
        if event == "compile":
            source = args[0] if args else None
            if isinstance(source, (str, bytes)) and caller_is_model():
                return "compiling code from a string"
            return None
        if event == "exec":
            code = args[0] if args else None
            if allowed_code is not None and code is not allowed_code and caller_is_model():
                return "executing code that was not checked"
            return None
        if event == "open":
            path, mode, flags = (list(args) + [None, None, None])[:3]
            if isinstance(path, int) or path is None:
                return None
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            real = os.path.realpath(os.path.join(workdir_real, str(path)))
            writing = False
            if isinstance(mode, str):
                writing = any(c in mode for c in "wax+")
            if isinstance(flags, int):
                writing = writing or bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC))
            if writing:
                if not _under(real, [workdir_real]):
                    return "writing " + str(path)
            elif not _under(real, read_roots):
                return "reading " + str(path)
            return None
        return None

    def hook(event, args):
        if getattr(state, "busy", False):
            return
        state.busy = True
        try:
            description = judge(event, args)
        finally:
            state.busy = False
        if description is not None:
            refuse(description)

    sys.addaudithook(hook)


def guarded_builtins(policy, on_block):
    """Returns a builtins dict for the model's globals ("__builtins__").

    The "import" audit event only fires for modules not loaded yet, and by
    the time a model runs pandas has loaded os, sys and subprocess; so an
    "import os" in the model would go unnoticed by the hook.  Every import
    statement in the model calls the __import__ of its own builtins, so this
    copy checks them all, loaded or not.  Library code keeps the real
    builtins.  eval, exec, compile and the other names the static policy
    refuses are replaced by functions that report and stop.
    """
    import builtins

    allowed = set(policy.get("allowed_imports", []))
    restricted = {k: set(v) for k, v in policy.get("restricted_modules", {}).items()}
    real_import = builtins.__import__
    table = dict(builtins.__dict__)

    def refuse(description):
        on_block(description)
        raise PolicyViolation(description)

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level:
            refuse("relative import")
        top = str(name).split(".")[0]
        if top not in allowed:
            refuse("import of " + str(name))
        if name in restricted and fromlist:
            for item in fromlist:
                if item not in restricted[name]:
                    refuse("import of %s.%s" % (name, item))
        return real_import(name, globals, locals, fromlist, level)

    def make_refusal(label):
        def refused(*_args, **_kwargs):
            refuse("call of " + label)
        refused.__name__ = label
        return refused

    table["__import__"] = guarded_import
    for name in policy.get("blocked_names", []):
        if name in table and name not in ("__import__", "__build_class__", "__loader__", "__spec__"):
            table[name] = make_refusal(name)
    return table
