#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes the repair corpus: cases/<name>.txt (the raw model answer, byte for byte)
# and manifest.json (expected outcome, error code, language, a substring the code
# must contain, fixes that must be reported). Edit the cases here, then run it.
import json
C=[]
def ok(name, cat, inp, lang, contains, fixes=(), not_contains=None):
    d={"name":name,"category":cat,"input":inp,"ok":True,"language":lang,"contains":contains}
    if fixes: d["fixes"]=list(fixes)
    if not_contains: d["not_contains"]=not_contains
    C.append(d)
def err(name, cat, inp, code):
    C.append({"name":name,"category":cat,"input":inp,"ok":False,"error":code})

PY='import numpy_financial as npf\\npayment = npf.pmt(0.075 / 12, 60, -40000)\\nwf.metric(\\"Monthly payment\\", payment, \\"USD\\")'
PYRAW='import numpy_financial as npf\npayment = npf.pmt(0.075 / 12, 60, -40000)\nwf.metric("Monthly payment", payment, "USD")'
SQLS='SELECT month, SUM(revenue) AS revenue FROM sales GROUP BY month ORDER BY month'
good='{"code": "%s", "explanation": "Loan payment at 7.5%% over 5 years.", "language": "python"}' % PY
ok("valid","valid",good,"python","npf.pmt(0.075")
ok("valid_sql","valid",'{"code": "%s", "explanation": "Revenue by month.", "language": "sql"}'%SQLS,"sql","GROUP BY month")
ok("valid_compact","valid",'{"code":"x = 1\\nprint(x)","explanation":"one","language":"python"}',"python","print(x)")
# fences
ok("fence_json","fences","```json\n"+good+"\n```","python","npf.pmt",["strip_fence"] if False else [])
ok("fence_plain","fences","```\n"+good+"\n```","python","wf.metric")
ok("fence_python_bare","fences","```python\n"+PYRAW+"\n```","python","npf.pmt",["wrapped_bare_code"])
ok("fence_sql_bare","fences","```sql\n"+SQLS+";\n```","sql","SUM(revenue)",["wrapped_bare_code"])
ok("fence_py_alias","fences","Here you go:\n```py\nrate = 0.05\nprint(rate * 100)\n```\nThis prints 5.","python","rate * 100",["wrapped_bare_code"])
ok("fence_nested_in_code","fences",'{"code": "```python\\nx = 2\\nprint(x)\\n```", "explanation": "e", "language": "python"}',"python","print(x)",["strip_fence"],not_contains="```")
ok("fence_nested_sql_in_code","fences",'{"code": "```sql\\nSELECT 1 AS one\\n```", "explanation": "e"}',"sql","SELECT 1",["strip_fence","inferred_language"],not_contains="```")
ok("fence_json_with_nested_fence","fences","```json\n{\"code\": \"```python\\nprint(42)\\n```\", \"explanation\": \"x\", \"language\": \"python\"}\n```","python","print(42)",["strip_fence"],not_contains="```")
ok("fence_json_then_python","fences","```json\n"+good+"\n```\n\n```python\nprint('other')\n```","python","npf.pmt")
ok("fence_uppercase_python","fences","```Python\nimport math\nprint(math.sqrt(2))\n```","python","math.sqrt",["wrapped_bare_code"])
ok("fence_python3_tag","fences","```python3\ntotal = sum([1, 2, 3])\nprint(total)\n```","python","sum([1, 2, 3])")
ok("fence_tilde_indent","fences","  ```python\n  x = 3\n  print(x)\n  ```","python","print(x)")
# prose
ok("prose_before","prose","Sure! Here is the model you asked for:\n"+good,"python","npf.pmt",["extracted_object"])
ok("prose_after","prose",good+"\n\nLet me know if you want a different rate.","python","npf.pmt",["extracted_object"])
ok("prose_both","prose","Of course.\n\n"+good+"\n\nHope this helps!","python","npf.pmt",["extracted_object"])
ok("prose_with_braces_before","prose","I used {braces} in my notes. "+good,"python","npf.pmt")
ok("prose_fenced_json","prose","Here is the JSON:\n```json\n"+good+"\n```\nAnything else?","python","npf.pmt")
# xml tags
ok("xml_answer_tag","xml","<answer>"+good+"</answer>","python","npf.pmt",["extracted_object"])
ok("xml_json_tag","xml","<json>\n"+good+"\n</json>","python","npf.pmt")
ok("xml_thinking_then_answer","xml","<thinking>The user wants a {loan} payment.</thinking>\n<answer>"+good+"</answer>","python","npf.pmt")
ok("xml_code_tag_bare","xml","<code>\nrevenue = 1000 * 1.05\nprint(revenue)\n</code>","python","1000 * 1.05",["wrapped_bare_code"])
ok("xml_sql_tag_bare","xml","<sql>SELECT COUNT(*) AS n FROM customers</sql>","sql","COUNT(*)",["wrapped_bare_code"])
# bom, zero width
ok("bom","invisible","\ufeff"+good,"python","npf.pmt",["strip_invisible"])
ok("zero_width_between_tokens","invisible",'{\u200b"code": "print(1)",\u200c "explanation": "x", "language": "python"\u200d}',"python","print(1)",["strip_invisible"])
ok("word_joiner","invisible",'\u2060{"code": "y = 2", "explanation": "x", "language": "python"}',"python","y = 2",["strip_invisible"])
ok("zero_width_in_key","invisible",'{"co\u200bde": "z = 3", "explanation": "x", "language": "python"}',"python","z = 3",["strip_invisible"])
# trailing commas
ok("trailing_comma_object","commas",'{"code": "a = 1", "explanation": "x", "language": "python",}',"python","a = 1",["trailing_comma"])
ok("trailing_comma_array","commas",'{"code": ["a = 1", "print(a)",], "explanation": "x", "language": "python"}',"python","print(a)",["trailing_comma","joined_lines"])
ok("double_comma","commas",'{"code": "a = 1",, "explanation": "x", "language": "python"}',"python","a = 1",["trailing_comma"])
ok("missing_comma_newline","commas",'{"code": "a = 1"\n "explanation": "x"\n "language": "python"}',"python","a = 1",["missing_comma"])
# single quotes
ok("single_quotes_all","quotes","{'code': 'print(\"hi\")', 'explanation': 'greeting', 'language': 'python'}","python",'print("hi")',["single_quotes"])
ok("single_quotes_apostrophe","quotes","{'code': 'x = 1', 'explanation': 'It's a simple assignment', 'language': 'python'}","python","x = 1",["single_quotes"])
ok("single_quotes_keys_only","quotes","{'code': \"x = 5\", 'explanation': \"e\", 'language': \"python\"}","python","x = 5",["single_quotes"])
ok("python_dict_repr","quotes","{'code': 'import math\\nprint(math.pi)', 'explanation': 'pi', 'language': 'python', 'ok': True}","python","math.pi",["single_quotes","python_literals","dropped_keys"])
# unquoted keys
ok("unquoted_keys","keys",'{code: "print(2)", explanation: "two", language: "python"}',"python","print(2)",["unquoted_keys"])
ok("unquoted_keys_js","keys",'{\n  code: "total = 100 * 1.1",\n  explanation: "ten percent",\n  language: "python",\n}',"python","100 * 1.1",["unquoted_keys","trailing_comma"])
# python literals
ok("python_true_false_none","literals",'{"code": "print(3)", "explanation": None, "language": "python", "safe": True, "cached": False}',"python","print(3)",["python_literals","dropped_keys"])
ok("python_none_language","literals",'{"code": "print(4)", "explanation": "x", "language": None}',"python","print(4)",["python_literals","inferred_language"])
# comments
ok("js_line_comment","comments",'{\n  // the program\n  "code": "print(5)",\n  "explanation": "x", // why\n  "language": "python"\n}',"python","print(5)",["comments"])
ok("js_block_comment","comments",'{ /* model */ "code": "print(6)", "explanation": "x", "language": "python" /* end */ }',"python","print(6)",["comments"])
ok("python_comment","comments",'{\n  # code below\n  "code": "print(7)",\n  "explanation": "x",\n  "language": "python"\n}',"python","print(7)",["comments"])
ok("hash_inside_code_kept","comments",'{"code": "x = 1  # one\\nprint(x)", "explanation": "x", "language": "python"}',"python","# one")
# raw newlines/tabs
ok("raw_newlines","raw",'{"code": "import math\nprint(math.e)\n", "explanation": "e", "language": "python"}',"python","print(math.e)",["raw_newlines"])
ok("raw_tabs","raw",'{"code": "for i in range(3):\n\tprint(i)", "explanation": "loop", "language": "python"}',"python","\tprint(i)",["raw_newlines"])
ok("raw_newline_in_explanation","raw",'{"code": "print(8)", "explanation": "line one\nline two", "language": "python"}',"python","print(8)",["raw_newlines"])
ok("inner_unescaped_quotes","raw",'{"code": "print("hello")", "explanation": "x", "language": "python"}',"python",'print("hello")',["inner_quotes"])
ok("triple_quoted_code","raw",'{"code": """def f():\n    return 1\nprint(f())""", "explanation": "x", "language": "python"}',"python","return 1",["triple_quotes"])
ok("bad_escape_regex","raw",'{"code": "import re\\nprint(re.findall(\'\\d+\', \'a1b22\'))", "explanation": "digits", "language": "python"}',"python","\\d+",["bad_escape"])
ok("unicode_escape","raw",'{"code": "print(\\"\\u20ac5\\")", "explanation": "euro", "language": "python"}',"python","\u20ac5")
# smart quotes
ok("smart_quotes_delims","smart",'{\u201ccode\u201d: \u201cprint(9)\u201d, \u201cexplanation\u201d: \u201cnine\u201d, \u201clanguage\u201d: \u201cpython\u201d}',"python","print(9)",["smart_quotes"])
ok("smart_single_quotes","smart","{\u2018code\u2019: \u2018print(10)\u2019, \u2018explanation\u2019: \u2018ten\u2019, \u2018language\u2019: \u2018python\u2019}","python","print(10)",["smart_quotes"])
ok("smart_quotes_inside_string_kept","smart",'{"code": "print(\'\u201cquoted\u201d\')", "explanation": "x", "language": "python"}',"python","\u201cquoted\u201d")
# double encoded
inner=json.dumps({"code":"print(11)","explanation":"eleven","language":"python"})
ok("double_encoded","double",json.dumps(inner),"python","print(11)",["double_encoded"])
ok("double_encoded_fenced","double","```json\n"+json.dumps(inner)+"\n```","python","print(11)",["double_encoded"])
ok("double_encoded_wrapper","double",json.dumps({"response":inner}),"python","print(11)",["double_encoded"])
ok("triple_encoded","double",json.dumps(json.dumps(inner)),"python","print(11)",["double_encoded"])
# two objects
ok("two_objects_first_invalid","two",'{"thought": "compute the loan"}\n'+good,"python","npf.pmt",["multiple_objects"])
ok("two_objects_first_broken","two",'{"code": }\n{"code": "print(12)", "explanation": "x", "language": "python"}',"python","print(12)")
ok("two_objects_both_valid_first_wins","two",'{"code": "print(13)", "explanation": "a", "language": "python"}\n{"code": "print(14)", "explanation": "b", "language": "python"}',"python","print(13)")
ok("two_objects_schema_then_answer","two",'Schema: {"type": "object", "properties": {"code": {"type": "string"}}}\nAnswer: {"code": "print(15)", "explanation": "x", "language": "python"}',"python","print(15)",["multiple_objects"])
# truncated
ok("truncated_after_code","truncated",'{"code": "print(16)", "explanation": "This computes the pay','python',"print(16)",["closed_truncated"])
ok("truncated_after_code_comma","truncated",'{"code": "print(17)",','python',"print(17)",["closed_truncated"])
ok("truncated_in_language","truncated",'{"code": "SELECT 1", "explanation": "x", "language": "sq',"sql","SELECT 1",["closed_truncated","inferred_language"])
ok("truncated_missing_brace","truncated",'{"code": "print(18)", "explanation": "x", "language": "python"',"python","print(18)",["closed_truncated"])
ok("truncated_in_literal","truncated",'{"code": "print(19)", "cached": tr',"python","print(19)",["closed_truncated"])
err("truncated_inside_code","truncated",'{"explanation": "x", "language": "python", "code": "import math\\nfor i in range(10):\\n    print(math.sqrt(','TRUNCATED_CODE')
err("truncated_inside_code_first","truncated",'{"code": "import numpy_financial as npf\\npayment = npf.pmt(0.07','TRUNCATED_CODE')
err("truncated_inside_code_lines","truncated",'{"code": ["import math", "print(math.s','TRUNCATED_CODE')
err("truncated_fenced_bare","truncated","```python\nimport math\nfor i in range(10):\n    print(i","TRUNCATED_CODE")
err("truncated_code_after_prose","truncated",'Here is the model:\n```json\n{"code": "rate = 0.05\\nbalance = 1000\\nfor year in range(','TRUNCATED_CODE')
# bare code
ok("bare_python_plain","bare","import math\nprincipal = 40000\nprint(math.floor(principal / 60))","python","principal / 60",["wrapped_bare_code","inferred_language"])
ok("bare_python_prose_around","bare","Here is a short script:\n\nrate = 0.05\nyears = 10\nprint(1000 * (1 + rate) ** years)\n\nIt prints the future value.","python","(1 + rate) ** years",["wrapped_bare_code"])
ok("bare_sql_plain","bare","SELECT region, AVG(margin) AS avg_margin FROM sales GROUP BY region;","sql","AVG(margin)",["wrapped_bare_code","inferred_language"])
ok("bare_sql_lowercase_with","bare","with t as (select 1 as x) select x from t","sql","select x from t",["wrapped_bare_code"])
ok("bare_def","bare","def npv(rate, flows):\n    return sum(f / (1 + rate) ** i for i, f in enumerate(flows))\n\nprint(npv(0.1, [-100, 60, 60]))","python","def npv",["wrapped_bare_code"])
ok("bare_fence_no_tag","bare","```\nimport statistics\nprint(statistics.mean([1, 2, 3]))\n```","python","statistics.mean",["wrapped_bare_code","inferred_language"])
ok("bare_fence_no_tag_sql","bare","```\nSELECT * FROM t\n```","sql","SELECT * FROM t",["inferred_language"])
ok("bare_with_dict_literal","bare","```python\nprices = {\"a\": 1, \"b\": 2}\nprint(sum(prices.values()))\n```","python","prices.values()",["wrapped_bare_code"])
# language
ok("lang_missing","language",'{"code": "print(20)", "explanation": "x"}',"python","print(20)",["inferred_language"])
ok("lang_missing_sql","language",'{"code": "SELECT name FROM customers", "explanation": "x"}',"sql","SELECT name",["inferred_language"])
ok("lang_missing_sql_comment_first","language",'{"code": "-- top customers\\nSELECT name FROM customers LIMIT 5", "explanation": "x"}',"sql","LIMIT 5",["inferred_language"])
ok("lang_empty","language",'{"code": "print(21)", "explanation": "x", "language": ""}',"python","print(21)",["inferred_language"])
ok("lang_py","language",'{"code": "print(22)", "explanation": "x", "language": "py"}',"python","print(22)",["language_alias"])
ok("lang_python_3","language",'{"code": "print(23)", "explanation": "x", "language": "Python 3"}',"python","print(23)",["language_alias"])
ok("lang_python3","language",'{"code": "print(24)", "explanation": "x", "language": "python3"}',"python","print(24)",["language_alias"])
ok("lang_python_311","language",'{"code": "print(25)", "explanation": "x", "language": "Python 3.11"}',"python","print(25)",["language_alias"])
ok("lang_sqlite","language",'{"code": "SELECT 2", "explanation": "x", "language": "sqlite"}',"sql","SELECT 2",["language_alias"])
ok("lang_SQL","language",'{"code": "SELECT 3", "explanation": "x", "language": "SQL"}',"sql","SELECT 3",["language_alias"])
ok("lang_sqlite3","language",'{"code": "SELECT 4", "explanation": "x", "language": "sqlite3"}',"sql","SELECT 4",["language_alias"])
ok("lang_key_lang","language",'{"code": "print(26)", "explanation": "x", "lang": "python"}',"python","print(26)",["key_case"])
err("lang_javascript","language",'{"code": "console.log(1)", "explanation": "x", "language": "javascript"}',"UNSUPPORTED_LANGUAGE")
err("lang_bash_fence","language","```bash\nrm -rf /\n```","UNSUPPORTED_LANGUAGE")
# list of lines
ok("code_lines","lines",'{"code": ["import math", "print(math.tau)"], "explanation": "x", "language": "python"}',"python","import math\nprint(math.tau)",["joined_lines"])
ok("explanation_lines","lines",'{"code": "print(27)", "explanation": ["first", "second"], "language": "python"}',"python","print(27)",["joined_lines"])
err("code_lines_with_number","lines",'{"code": ["x = 1", 2], "explanation": "x", "language": "python"}',"WRONG_TYPE")
# key case
ok("keys_upper","keycase",'{"CODE": "print(28)", "EXPLANATION": "x", "LANGUAGE": "python"}',"python","print(28)",["key_case"])
ok("keys_title","keycase",'{"Code": "print(29)", "Explanation": "x", "Language": "Python"}',"python","print(29)",["key_case","language_alias"])
# extra keys
ok("extra_keys","extra",'{"code": "print(30)", "explanation": "x", "language": "python", "confidence": 0.9, "assumptions": ["a", "b"]}',"python","print(30)",["dropped_keys"])
ok("extra_nested_object","extra",'{"code": "print(31)", "explanation": "x", "language": "python", "meta": {"model": "m", "tokens": [1, 2]}}',"python","print(31)",["dropped_keys"])
# bidi
err("bidi_rlo","bidi",'{"code": "access = \\"user\\u202e \\u2066// admin\\u2069 \\u2066\\"\\nprint(access)", "explanation": "x", "language": "python"}',"BIDI_CONTROL")
err("bidi_raw_rli","bidi",'{"code": "is_admin = False\n# \u2067 check later \u2069 is_admin = True\nprint(is_admin)", "explanation": "x", "language": "python"}',"BIDI_CONTROL")
err("bidi_in_bare_code","bidi","```python\nx = 1 # \u202e)x(tnirp\nprint(x)\n```","BIDI_CONTROL")
err("bidi_lrm","bidi",'{"code": "print(\\"a\\u200fb\\")", "explanation": "x", "language": "python"}',"BIDI_CONTROL")
ok("bidi_in_explanation_ok","bidi",'{"code": "print(32)", "explanation": "\u202eexplained", "language": "python"}',"python","print(32)")
# wrong types
ok("explanation_integer","types",'{"code": "print(33)", "explanation": 42, "language": "python"}',"python","print(33)",["coerced_type"])
err("code_number","types",'{"code": 12345, "explanation": "x", "language": "python"}',"WRONG_TYPE")
err("code_object","types",'{"code": {"main": "print(1)"}, "explanation": "x", "language": "python"}',"WRONG_TYPE")
err("code_bool","types",'{"code": true, "explanation": "x", "language": "python"}',"WRONG_TYPE")
err("language_number","types",'{"code": "print(1)", "explanation": "x", "language": 3}',"WRONG_TYPE")
err("explanation_object","types",'{"code": "print(1)", "explanation": {"text": "x"}, "language": "python"}',"WRONG_TYPE")
err("explanation_float","types",'{"code": "print(1)", "explanation": 0.1, "language": "python"}',"WRONG_TYPE")
# hopeless
err("empty","hopeless","","UNRECOVERABLE")
err("whitespace","hopeless","   \n\t  \n","UNRECOVERABLE")
err("prose_only","hopeless","I'm sorry, but I can't help with that request. Please ask a question about your finances.","UNRECOVERABLE")
err("prose_with_numbers","hopeless","Your payment would be about $801 per month. The total interest is $8,097 over five years.","UNRECOVERABLE")
err("only_brace_noise","hopeless","{{{{ }}}} [[[ ]]] {:} {,}","UNRECOVERABLE")
err("json_without_code","hopeless",'{"explanation": "I could not write code for this.", "language": "python"}',"UNRECOVERABLE")
err("empty_code","hopeless",'{"code": "   ", "explanation": "nothing", "language": "python"}',"UNRECOVERABLE")
err("only_bom_zw","hopeless","\ufeff\u200b\u200c","UNRECOVERABLE")
err("json_array_only","hopeless",'["print(1)", "print(2)"]',"UNRECOVERABLE")
err("fence_json_broken_only","hopeless","```json\n{ this is : not json at all }\n```","UNRECOVERABLE")
err("prose_equation","hopeless","Profit = revenue minus costs.\nSo you keep about $2,000 a month.","UNRECOVERABLE")
err("prose_refusal_with_fence_text","hopeless","I can't write that.\n```text\nSorry!\n```","UNRECOVERABLE")
ok("bare_python_indented_block","bare","Try this:\n\nfor year in range(1, 6):\n    balance = 1000 * 1.05 ** year\n    print(year, round(balance, 2))\n","python","1.05 ** year",["wrapped_bare_code"])
err("bare_python_cut_off","truncated","import math\nvalues = [1, 2,\n","TRUNCATED_CODE")
ok("explanation_before_code_key","valid",'{"explanation": "Break-even units.", "language": "python", "code": "fixed = 50000\\nprint(fixed / (40 - 15))"}',"python","fixed / (40 - 15)")
ok("crlf_line_endings","raw",'{"code": "x = 1\r\nprint(x)", "explanation": "x",\r\n "language": "python"}\r\n',"python","print(x)")
ok("bare_sql_prose_after","bare","SELECT customer, SUM(amount) AS total\nFROM invoices\nGROUP BY customer\n\nThis lists each customer's total.","sql","GROUP BY customer",["wrapped_bare_code"],not_contains="This lists")
ok("bare_sql_prose_before","bare","Here is the query:\n\nSELECT AVG(price) AS avg_price FROM products;\n\nIt averages prices.","sql","AVG(price)",["wrapped_bare_code"],not_contains="averages")
C.append({"name":"binary_garbage","category":"hopeless","input_base64":"AAEC/f7/gIGCg4SFhoeI","ok":False,"error":"UNRECOVERABLE"})
C.append({"name":"invalid_utf8","category":"hopeless","input_base64":"eyJjb2RlIjogIpiZIn0=","ok":False,"error":"UNRECOVERABLE"})

import os, base64, shutil
d=os.path.dirname(os.path.abspath(__file__))
shutil.rmtree(d+'/cases', ignore_errors=True)
os.makedirs(d+'/cases')
names=set()
for c in C:
    assert c["name"] not in names; names.add(c["name"])
    if "input_base64" in c:
        data=base64.b64decode(c.pop("input_base64"))
    else:
        data=c.pop("input").encode()
    open(d+'/cases/'+c["name"]+'.txt','wb').write(data)
    c["file"]="cases/"+c["name"]+".txt"
json.dump(C, open(d+'/manifest.json','w'), indent=1, ensure_ascii=False)
print(len(C), "cases;", len(set(c["category"] for c in C)), "categories")
