"""Comparisons of two or three named places, each side's figure expected as a lookup of that side finds it:
the reports (invented for these tests, 河南 新乡/焦作/安阳 counties) word the same measure otherwise (收到/受理,
发布/公开, 办结/审结, 件/条), name themselves inside the measure, give a figure of another body's website beside
their own, or give none at all. Used by tests/rag/answering/test_compare_lookup_items.py."""

from __future__ import annotations


def _report(region: str, year: int, body: str) -> str:
    return (f"{region}人民政府{year}年政府信息公开工作年度报告\n一、总体情况\n{body}\n"
            "二、存在的主要问题及改进情况\n一是公开内容不够全面。二是解读形式单一。\n"
            f"{region}人民政府\n{year + 1}年1月20日\n")


REPORTS = {
    # Plain wording: 受理…申请, 门户网站发布政府信息 (the city's website beside it), 公布重大行政决策事项, 办结行政复议.
    "xiuwu-2023.txt": _report("修武县", 2023,
                              "（一）主动公开。2023年，在县政府门户网站发布政府信息3120条，其中政策解读文件42篇；"
                              "在市政府网站公开信息860条。\n"
                              "（二）依申请公开。全年共受理政府信息公开申请58件，均按期答复。\n"
                              "（三）重大行政决策。梳理并公布重大行政决策事项6项。\n"
                              "（四）行政复议。全年办结行政复议案件14件。"),
    # Otherwise worded: the place named inside its measure, 收到依申请公开, 网站发布各类信息, 梳理决策事项,
    # 在法定期限内办结.
    "wuzhi-2023.txt": _report("武陟县", 2023,
                              "（一）主动公开。全年网站发布各类信息2460条，发布政策解读稿件35篇。\n"
                              "（二）依申请公开。武陟县一共收到依申请公开27件，全部按时办理。\n"
                              "（三）重大行政决策。梳理决策事项4项，均向社会公开征求意见。\n"
                              "（四）行政复议。涉及本县的行政复议案件在法定期限内办结9件。"),
    # Truly gives none of the request, decision or review figures; its website figure is of items.
    "tangyin-2023.txt": _report("汤阴县", 2023,
                                "（一）主动公开。通过县政府网站公开各类政府信息1980条。\n"
                                "（二）平台建设。更新政务公开专栏栏目12个。"),
    # 条 for requests, 审结 for review cases, 公开 for the website.
    "fengqiu-2023.txt": _report("封丘县", 2023,
                                "（一）主动公开。在政府门户网站公开政府信息4015条。\n"
                                "（二）依申请公开。本年度收到政府信息公开申请31条，已全部答复。\n"
                                "（三）行政复议。全年审结行政复议案件17件。"),
    # Another year: 2021, a website of items and a count of interpretation articles.
    "yanjin-2021.txt": _report("延津县", 2021,
                               "（一）主动公开。2021年在县政府门户网站发布信息5210条，发布政策解读47篇。\n"
                               "（二）依申请公开。全年受理依申请公开事项19件。"),
    "huojia-2021.txt": _report("获嘉县", 2021,
                               "（一）主动公开。全年通过政府网站发布各类信息2968条。\n"
                               "（二）依申请公开。共收到信息公开申请12件。"),
    # Departments' own reports: a bureau's website and requests, worded otherwise.
    "xiuwu-jyj-2023.txt": "修武县教育局2023年政府信息公开工作年度报告\n一、总体情况\n"
                          "（一）主动公开。2023年，在局门户网站发布教育信息612条。\n"
                          "（二）依申请公开。全年受理政府信息公开申请8件。\n"
                          "修武县教育局\n2024年1月18日\n",
    "fengqiu-jyj-2023.txt": "封丘县教育局2023年政府信息公开工作年度报告\n一、总体情况\n"
                            "（一）主动公开。通过网站公开各类信息438条，其中教育资讯96条。\n"
                            "（二）依申请公开。共收到依申请公开5件，均已办结。\n"
                            "封丘县教育局\n2024年1月22日\n",
}

# (name, question, figures the answer states, figures it must not state, patterns it must contain)
ITEMS: list[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    # Requests received: 受理 vs 收到, the place inside the measure, 件 vs 条
    ("req-plain", "修武县和武陟县2023年谁收到的信息公开申请多？", ("58", "27"), (), ("修武县",)),
    ("req-colloquial", "修武跟武陟23年谁收到的信息公开申请多", ("58", "27"), (), ("修武县",)),
    ("req-reversed", "武陟县和修武县谁受理的依申请公开少", ("58", "27"), (), ("武陟县",)),
    ("req-units", "武陟县和封丘县收到的政府信息公开申请哪个多？", ("27", "31"), (), ("封丘县",)),
    ("req-three", "修武县、武陟县、封丘县2023年谁受理的信息公开申请最多", ("58", "27", "31"), (), ("修武县",)),
    ("req-each", "修武县和武陟县2023年收到的依申请公开分别是多少，哪个多？", ("58", "27"), (), ()),
    ("req-each-colloquial", "武陟和封丘的依申请公开各收了多少", ("27", "31"), (), ()),
    ("req-en", "Which received more information requests in 2023, Xiuwu County or Wuzhi County?",
     ("58", "27"), (), ("Xiuwu",)),
    ("req-en-units", "Did Wuzhi or Fengqiu receive more requests for government information in 2023?",
     ("27", "31"), (), ("Fengqiu",)),
    ("req-en-fewer", "Which county got fewer disclosure applications, Wuzhi or Xiuwu?", ("58", "27"), (),
     ("Wuzhi",)),
    ("req-missing", "修武县和汤阴县2023年谁受理的信息公开申请多？", ("58",), ("1980",), ("汤阴县",)),
    ("req-missing-en", "Which received more information requests in 2023, Wuzhi County or Tangyin County?",
     ("27",), ("1980",), ("Tangyin",)),
    ("req-2021", "延津县和获嘉县2021年谁收到的依申请公开多", ("19", "12"), (), ("延津县",)),
    # Items on the government website: the county's own portal, items not articles of a kind
    ("web-plain", "修武县和武陟县谁在网站上发布的信息多？", ("3120", "2460"), ("860", "42", "35"), ("修武县",)),
    ("web-colloquial", "武陟和修武 谁在网站上发的信息多", ("3120", "2460"), ("860", "35"), ("修武县",)),
    ("web-city-site", "修武县和封丘县政府网站上公开的信息谁多", ("3120", "4015"), ("860",), ("封丘县",)),
    ("web-en", "Which published more items on its government portal in 2023, Wuzhi or Fengqiu?",
     ("2460", "4015"), ("35",), ("Fengqiu",)),
    ("web-en-articles", "Who put more information out on the government website in 2021: Yanjin or Huojia?",
     ("5210", "2968"), ("47",), ("Yanjin",)),
    ("web-2021", "延津县和获嘉县2021年谁在政府网站发布的信息多", ("5210", "2968"), ("47",), ("延津县",)),
    ("web-three", "修武县、武陟县和汤阴县2023年网站公开的信息哪个最多", ("3120", "2460", "1980"), ("860",),
     ("修武县",)),
    ("web-en-three", "Which county published the most information on its website in 2023: Xiuwu, Wuzhi or Tangyin?",
     ("3120", "2460", "1980"), ("860",), ("Xiuwu",)),
    # Major administrative decisions: 公布 vs 梳理
    ("dec-plain", "修武县和武陟县分别公布了几项重大行政决策事项", ("6", "4"), (), ()),
    ("dec-colloquial", "修武和武陟谁梳理的重大决策事项多", ("6", "4"), (), ("修武县",)),
    ("dec-en", "Which listed more major administrative decisions in 2023, Xiuwu or Wuzhi?", ("6", "4"), (),
     ("Xiuwu",)),
    ("dec-missing", "武陟县和汤阴县谁公布的重大行政决策事项多", ("4",), ("12",), ("汤阴县",)),
    # Administrative review cases closed: 办结 vs 审结 vs 在法定期限内办结
    ("rev-plain", "修武县和武陟县2023年谁办结的行政复议案件多？", ("14", "9"), (), ("修武县",)),
    ("rev-units", "武陟县和封丘县哪个审结的行政复议案件多", ("9", "17"), (), ("封丘县",)),
    ("rev-en", "Compare how many administrative review cases Xiuwu and Wuzhi closed in 2023.", ("14", "9"), (), ()),
    ("rev-en-three", "Which closed the most administrative reconsideration cases: Xiuwu, Wuzhi or Fengqiu?",
     ("14", "9", "17"), (), ("Fengqiu",)),
    # Departments compared by their own reports
    ("dept-web", "修武县教育局和封丘县教育局 谁在网站上发的信息多", ("612", "438"), ("3120", "4015"),
     ("修武县教育局",)),
    ("dept-req", "封丘县教育局跟修武县教育局谁收的信息公开申请多", ("8", "5"), ("58", "31"), ("修武县教育局",)),
    ("dept-req-en", "Which received more information requests in 2023, the Xiuwu County Education Bureau or the "
     "Fengqiu County Education Bureau?", ("8", "5"), ("58", "31"), ()),
    ("rev-missing-en", "Which closed more administrative review cases in 2023, Fengqiu or Tangyin?", ("17",), ("12",),
     ("Tangyin",)),
]

# Each side's own lookup, which the comparisons above must agree with: (question, figure it answers)
LOOKUPS: list[tuple[str, str]] = [
    ("武陟县2023年收到多少信息公开申请", "27"),
    ("How many information requests did Wuzhi County receive in 2023?", "27"),
    ("修武县2023年受理了多少件信息公开申请？", "58"),
    ("封丘县2023年收到多少政府信息公开申请", "31"),
    ("武陟县网站发布了多少条信息", "2460"),
    ("修武县在政府网站上公开了多少信息", "3120"),
    ("获嘉县2021年网站发布多少信息", "2968"),
    ("武陟县梳理了几项重大行政决策事项", "4"),
    ("武陟县办结了多少件行政复议案件", "9"),
]
