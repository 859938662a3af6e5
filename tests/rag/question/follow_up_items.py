"""Conversations whose follow-up is answered in the scope of the last answer, and the reports they are asked of.

Written for these tests (曲靖's counties, invented figures); none comes from a gold set. Each conversation:
the questions in order, the figures the last answer must give (None: it must be refused), and a figure it
must not give (the wrong report's, the wrong measure's)."""

from __future__ import annotations


def _gov_report(region: str, year: int, portal: int, total: int, env: int, requests: int, granted: int,
                reviews: int, suits: int, gazette: int, city_docs: int, office_docs: int, weibo: int,
                wechat: int) -> str:
    return (f"{region}人民政府{year}年政府信息公开工作年度报告\n一、总体情况\n{year}年，{region}坚持以公开为常态。\n"
            f"（一）主动公开。全年通过{region}人民政府门户网站发布政务信息{portal}条；全年共主动公开政府信息{total}条，"
            f"其中规范性文件16件、财政预决算信息230条、生态环保信息{env}条。\n"
            f"（二）依申请公开。全年共收到政府信息公开申请{requests}件，其中予以公开{granted}件，"
            f"公开率{round(100 * granted / requests)}%。\n"
            f"（三）政府信息管理。全年编印《{region}人民政府公报》{gazette}期，刊登市政府文件{city_docs}件、"
            f"市政府办公室文件{office_docs}件。\n"
            f"（四）平台建设。政务微博全年发布信息{weibo}条，政务微信公众号发布信息{wechat}条。\n"
            f"二、行政复议和行政诉讼情况\n全年因政府信息公开申请引发行政复议{reviews}件，行政诉讼{suits}件。\n"
            f"三、下一步工作\n一是深化主动公开。二是规范依申请公开。\n{region}人民政府办公室\n{year + 1}年1月20日\n")


REPORTS = {
    "xuanwei-2022.txt": _gov_report("宣威市", 2022, 3120, 5480, 645, 126, 58, 9, 4, 12, 35, 48, 1020, 2310),
    "xuanwei-2021.txt": _gov_report("宣威市", 2021, 2870, 4960, 512, 97, 41, 6, 3, 10, 31, 44, 880, 1950),
    "luliang-2024.txt": (
        "陆良县人民政府2024年政府信息公开工作年度报告\n一、总体情况\n2024年，陆良县全面推进政务公开。\n"
        "二、主动公开政府信息情况\n全年主动公开政府信息8650条，其中政策文件132条、生态环保2223条、财政资金信息418条、"
        "重大项目信息96条。\n三、收到和处理政府信息公开申请情况\n全年收到政府信息公开申请74件，均按时答复。\n"
        "四、政府信息公开行政复议、行政诉讼情况\n因政府信息公开被申请行政复议3件，被提起行政诉讼2件。\n"
        "陆良县人民政府办公室\n2025年1月15日\n"),
    # The list of the total in the next sentence.
    "luliang-2023.txt": (
        "陆良县人民政府2023年政府信息公开工作年度报告\n一、总体情况\n2023年，陆良县持续推进政务公开。\n"
        "二、主动公开政府信息情况\n全年主动公开政府信息7900条。其中，政策文件120条，生态环境类信息1810条，人事信息64条。\n"
        "陆良县人民政府办公室\n2024年1月16日\n"),
    # A bureau's report filed under no region: found by the county its text names.
    "zrzy-unplaced-2023.txt": (
        "自然资源局2023年政府信息公开工作年度报告\n一、总体情况\n2023年，本局在富源县委、县政府的领导下推进政务公开。\n"
        "（一）依申请公开。本局全年收到政府信息公开申请19件，其中予以公开11件。\n"
        "（二）行政复议和行政诉讼。因政府信息公开被申请行政复议6件，未发生行政诉讼。\n"
        "自然资源局\n2024年1月8日\n"),
    "shizong-2023.txt": (
        "师宗县2023年政府信息公开工作年度报告\n一、总体情况\n2023年，师宗县扎实推进政务公开。\n"
        "（一）主动公开。全年主动公开政府信息4120条。\n"
        "（二）依申请公开。全年共受理依申请公开政府信息申请58件，均在法定期限内答复。因依申请公开引发的行政复议2件，"
        "均维持原行政行为。\n"
        "师宗县人民政府办公室\n2024年1月18日\n"),
    "luoping-zrzy-2022.txt": (
        "罗平县自然资源局2022年政府信息公开工作年度报告\n一、总体情况\n2022年，罗平县自然资源局认真落实条例。\n"
        "（一）主动公开。全年主动公开政府信息312条。\n（二）依申请公开。全年收到政府信息公开申请37件，"
        "其中予以公开21件。\n（三）行政复议和行政诉讼。因政府信息公开被申请行政复议5件，行政诉讼1件。\n"
        "罗平县自然资源局\n2023年1月10日\n"),
    "luoping-2022.txt": (
        "罗平县人民政府2022年政府信息公开工作年度报告\n一、总体情况\n2022年，罗平县主动公开政府信息6020条。\n"
        "全年收到政府信息公开申请88件。因政府信息公开被申请行政复议7件，行政诉讼3件。\n"
        "罗平县人民政府办公室\n2023年1月12日\n"),
    "huize-2023.txt": (
        "会泽县2023年法治政府建设情况报告\n2023年，会泽县坚持依法行政。\n一、主要举措和成效\n"
        "（一）学法用法。县政府常务会议会前学法12次，举办领导干部法治专题讲座4场。\n"
        "（二）整改落实。对照法治督察反馈问题21个，逐项制定整改措施，已全部整改到位，建立长效机制5项。\n"
        "（三）化解争议。全年办理行政复议案件64件，纠错率7.8%。\n"
        "二、下一步工作安排\n一是加强学法。二是规范执法。\n会泽县人民政府\n2024年1月22日\n"),
}

# (questions, figures the last answer gives (None: refused), a figure it must not give)
CONVERSATIONS: list[tuple[list[str], list[str] | None, str | None]] = [
    # The total of what was just asked, of the year of the last answer.
    (["How many items did Xuanwei City publish on its portal in 2022?",
      "And how much information did it publish overall that year?"], ["5480"], "4960"),
    (["How many items did Xuanwei City publish on its portal in 2021?",
      "And how much did it publish in total that year?"], ["4960"], "5480"),
    (["宣威市2022年在门户网站发布了多少条政务信息？", "那全年一共主动公开了多少条？"], ["5480"], "4960"),
    (["宣威市2021年在门户网站发布了多少条政务信息？", "那当年总共公开了多少条信息"], ["4960"], "5480"),
    (["宣威市2022年在门户网站发布了多少条政务信息？", "那一共呢？"], ["5480"], "3120"),
    (["宣威市2022年在门户网站发布了多少条政务信息？", "一共被复议了几件"], ["9件"], "5480"),
    # The total a part was listed under (其中…).
    (["How many environmental items did Luliang County publish in 2024?",
      "And how many items did it publish overall that year?"], ["8650"], "2223"),
    (["陆良县2023年生态环境类信息公开了多少条？", "总共呢"], ["7900"], "1810"),
    # A part of the last figure, from its list.
    (["How many items did Luliang County proactively publish in 2024?",
      "How many of those were about the environment?"], ["2223"], "8650"),
    (["How many items did Luliang County proactively publish in 2024?",
      "How many of those were policy documents?"], ["132"], "8650"),
    (["陆良县2024年主动公开了多少条政府信息？", "其中生态环保方面的有多少条？"], ["2223"], "8650"),
    (["陆良县2024年主动公开了多少条政府信息？", "这里面重大项目的有几条"], ["96"], "8650"),
    (["陆良县2024年主动公开了多少条政府信息？", "其中教育方面的有多少条？"], None, "8650"),
    (["How many items did Luliang County proactively publish in 2024?",
      "How many of those were about education?"], None, "8650"),
    (["How many items did Luliang County proactively publish in 2023?",
      "How many of those were about the environment?"], ["1810"], "7900"),
    (["陆良县2023年主动公开了多少条政府信息？", "这些里面人事信息有几条"], ["64"], "7900"),
    (["陆良县2023年主动公开了多少条政府信息？", "其中财政预决算的有多少条"], None, "7900"),
    # A measure caused by the last one ("because of this").
    (["师宗县2023年依申请公开收了多少件申请", "那因为这个被复议了几件"], ["2件"], "58"),
    (["师宗县2023年依申请公开收了多少件申请", "因此引发的行政复议有几件？"], ["2件"], "58"),
    (["师宗县2023年依申请公开收了多少件申请", "那因为这个被起诉了几件"], None, "58"),
    (["How many disclosure requests did Shizong County receive in 2023?",
      "How many administrative reviews were filed because of this?"], ["2"], "58"),
    (["宣威市2022年收到了多少件政府信息公开申请？", "为这事被复议了几件"], ["9件"], "6件"),
    # A new channel or object for the last measure.
    (["How many posts did Xuanwei City publish on its Weibo account in 2022?", "What about its WeChat account?"],
     ["2310"], "1020"),
    (["宣威市2022年政务微博发布了多少条信息？", "那微信公众号呢？"], ["2310"], "1020"),
    (["How many posts did Xuanwei City publish on its Weibo account in 2021?", "And on WeChat?"], ["1950"], "880"),
    (["宣威市2022年政务微博发布了多少条信息？", "What about its WeChat account?"], ["2310"], "1020"),
    (["How many posts did Xuanwei City publish on its Weibo account in 2022?", "And the portal?"], ["3120"], "1020"),
    (["How many microblog posts did Xuanwei City publish in 2022?", "What about WeChat?"], ["2310"], "1020"),
    (["How many posts did Xuanwei City publish on its Weibo account in 2022?", "And its WeChat account?"],
     ["2310"], "1020"),
    (["How many posts did Xuanwei City publish on its Weibo account in 2022?", "那微信公众号呢？"], ["2310"], "1020"),
    (["宣威市2021年政务微博发布了多少条信息？", "微信公众号呢"], ["1950"], "880"),
    # The report (its body, region and year) of the last answer, kept.
    (["宣威市2022年的政府公报出了几期？", "那公报里刊登了多少件市政府办公室文件？"], ["48件"], "44"),
    (["How many issues of the Xuanwei City government gazette were published in 2021?",
      "How many documents of the municipal government office did it carry?"], ["44"], "48"),
    (["How many disclosure requests did the Luoping County Natural Resources Bureau receive in 2022?",
      "And how many administrative review cases were there?"], ["5"], "7"),
    (["罗平县自然资源局2022年收到多少件政府信息公开申请？", "那行政复议有几件？"], ["5件"], "7件"),
    (["罗平县2022年收到多少件政府信息公开申请？", "那行政复议有几件？"], ["7件"], "5件"),
    (["富源县自然资源局2023年收到多少件政府信息公开申请？", "那被申请行政复议了几件？"], ["6件"], "2件"),
    (["How many disclosure requests did the Fuyuan County Natural Resources Bureau receive in 2023?",
      "And how many administrative review cases were there?"], ["6"], "2 cases"),
    # The base of a rate: the whole of the last share.
    (["What share of requests did Xuanwei City disclose in 2022?", "How many disclosure requests was that based on?"],
     ["126"], "97"),
    (["宣威市2022年依申请公开的公开率是多少？", "这是按多少件申请算的？"], ["126件"], "97件"),
    (["宣威市2021年依申请公开的公开率是多少？", "那基数是多少件？"], ["97件"], "126件"),
    # A new measure of the same report.
    (["How many times did Huize County's executive meeting study law before its sessions in 2023?",
      "And how many problems from the inspection feedback did it have to fix?"], ["21"], "64"),
    (["How many times did Huize County's executive meeting study law before its sessions in 2023?",
      "And how many long-term mechanisms did it put in place?"], ["5"], "12"),
    (["会泽县2023年常务会议会前学法几次？", "那督察反馈的问题有多少个要整改？"], ["21个"], "64"),
    (["会泽县2023年常务会议会前学法几次？", "建立了几项长效机制？"], ["5项"], "12"),
    (["会泽县2023年常务会议会前学法几次？", "那行政诉讼败诉了几件？"], None, "12"),
    (["How many items did Xuanwei City publish on its portal in 2022?", "How many all told?"], ["5480"], "3120"),
    (["宣威市2022年政务微博发布了多少条信息？", "那行政复议呢？"], ["9件"], "1020"),
    (["宣威市2022年行政复议有多少件？", "那行政诉讼呢？"], ["4件"], "9件"),
    (["How many administrative reviews did information requests lead to in Xuanwei City in 2022?",
      "What about lawsuits?"], ["4"], "9 cases"),
    # A new year or place named replaces only that.
    (["宣威市2022年政务微博发布了多少条信息？", "那2021年的微信公众号呢？"], ["1950"], "2310"),
    (["How many posts did Xuanwei City publish on its Weibo account in 2022?", "What about Luliang County?"],
     None, "1020"),
    (["宣威市2022年在门户网站发布了多少条政务信息？", "那2021年呢？"], ["2870"], "3120"),
    (["How many items did Xuanwei City publish on its portal in 2022?", "And in 2021?"], ["2870"], "3120"),
]
