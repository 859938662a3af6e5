"""Lookups whose figure is a fact of the report, asked in English and in plain speech, and near misses the
report does not give (another measure, another stage, another channel), over three invented reports. Written
for the tests of facts found by meaning and for the curve of the facts threshold; never gold items.
(report, question, the figures the answer must state, "|"-separated; None: the answer must refuse.)"""

REPORTS = {
    "hanyin-2024.txt": (
        "汉阴县人民政府2024年政府信息公开工作年度报告\n"
        "一、总体情况\n"
        "2024年，汉阴县人民政府办公室认真贯彻落实政务公开工作部署，持续提升政务公开质量。\n"
        "（一）主动公开。全年县政府门户网站共发布各类政务信息9630条，其中工作动态2140条、通知公告386条。"
        "网站全年访问量216万人次。政务微信、政务微博发布信息分别为1312条、5480条。"
        "全年召开新闻发布会14场，编印《汉阴县人民政府公报》6期，主动公开行政规范性文件17件。\n"
        "（二）依申请公开。我办收到的公开政府信息申请共23件，办结21件，按时办结率100%。"
        "因政府信息公开被申请行政复议2件，被提起行政诉讼1件。\n"
        "（三）平台建设。县长信箱全年收到群众来信486件，均已按时回复。"
        "12345政务服务便民热线受理群众来电18760件。\n"
        "（四）监督保障。县委党校开办年轻干部培训班3期，学员126人；开办政务公开业务培训班1期，学员58人。"
        "组织开展政务公开专项检查2次，建立政务公开长效机制5项。\n"
        "汉阴县人民政府办公室\n2025年1月20日\n"
    ),
    "gongyi-2024.txt": (
        "巩义市2024年政府信息公开工作年度报告\n"
        "一、总体情况\n"
        "（一）主动公开。市政府门户网站全年共发布各类政务信息7215条，发布政策解读稿件132篇。"
        "政务微博、微信公众号发布信息分别为2136条、980条。召开新闻发布会9场。\n"
        "（二）依申请公开。本机关全年共受理政府信息公开申请65件，办结64件。"
        "因政府信息公开被申请行政复议3件，复议维持3件。\n"
        "（三）队伍建设。举办政务公开业务培训4期，培训人员310人次。\n"
        "巩义市人民政府办公室\n2025年1月18日\n"
    ),
    "ningxiang-2023.txt": (
        "宁乡市2023年法治政府建设情况报告\n"
        "一、主要举措和成效\n"
        "（一）依法决策。市政府常务会议会前学法9次，政府法律顾问出具法律意见书164份。\n"
        "（二）严格执法。组织开展行政执法案卷评查，共评查案卷312卷，其中优秀案卷41卷。"
        "市场监管部门全年查办各类违法案件248起。\n"
        "（三）学法用法。组织领导干部学法培训6场次，参训干部1200人次。\n"
        "（四）化解争议。全市新收行政复议案件86件，审结79件；一审行政诉讼案件收案33件。"
        "各级人民调解组织调解矛盾纠纷3860件，调解成功3795件。\n"
        "宁乡市人民政府\n2024年1月25日\n"
    ),
}

ITEMS: list[tuple[str, str, str | None]] = [
    # English: one figure of the report, asked in a researcher's words
    ("hanyin", "How many posts did Hanyin's official Weibo account publish in 2024?", "5480"),
    ("hanyin", "How many items were posted on Hanyin's WeChat account in 2024?", "1312"),
    ("hanyin", "How many public-information requests did the Hanyin government office receive in 2024?", "23"),
    ("hanyin", "How many of Hanyin's disclosure requests were completed?", "21"),
    ("hanyin", "How many items did the Hanyin government website publish in 2024?", "9630"),
    ("hanyin", "How many press conferences did Hanyin hold in 2024?", "14"),
    ("hanyin", "How many issues of the government gazette did Hanyin publish?", "6"),
    ("hanyin", "How many trainees attended Hanyin's young cadres training classes?", "126"),
    ("hanyin", "How many trainees were in Hanyin's open-government training class?", "58"),
    ("hanyin", "How many letters did the Hanyin county head's mailbox receive?", "486"),
    ("hanyin", "How many calls did Hanyin's 12345 hotline take in 2024?", "18760"),
    ("hanyin", "How many long-term mechanisms for open government did Hanyin set up?", "5"),
    ("hanyin", "How many normative documents did Hanyin proactively publish in 2024?", "17"),
    ("hanyin", "How many lawsuits over information disclosure were brought against Hanyin?", "1"),
    ("gongyi", "How many posts did Gongyi's government Weibo publish in 2024?", "2136"),
    ("gongyi", "How many WeChat posts did Gongyi put out in 2024?", "980"),
    ("gongyi", "How many disclosure requests did Gongyi accept in 2024?", "65"),
    ("gongyi", "How many policy interpretation articles did Gongyi publish?", "132"),
    ("gongyi", "How many people attended Gongyi's open-government training sessions?", "310"),
    ("gongyi", "How many press conferences did Gongyi hold in 2024?", "9"),
    ("ningxiang", "How many case files did Ningxiang review in 2023?", "312"),
    ("ningxiang", "How many case files did Ningxiang's market regulators investigate?", "248"),
    ("ningxiang", "How many times did Ningxiang's executive meeting study law in 2023?", "9"),
    ("ningxiang", "How many cadres took part in law training in Ningxiang?", "1200"),
    ("ningxiang", "How many legal opinions did Ningxiang's legal advisers issue?", "164"),
    ("ningxiang", "How many reconsideration cases did Ningxiang receive in 2023?", "86"),
    ("ningxiang", "How many disputes did Ningxiang's people's mediation resolve successfully?", "3795"),
    # Plain speech (Chinese as people type it)
    ("gongyi", "24年巩义政府网站一共发了多少条信息", "7215"),
    ("hanyin", "汉阴24年微博发了多少条", "5480"),
    ("hanyin", "汉阴微信发了几条信息", "1312"),
    ("gongyi", "巩义微信公众号发了多少条", "980"),
    ("hanyin", "汉阴2024年收到多少件信息公开申请", "23"),
    ("hanyin", "汉阴年轻干部培训班学员有多少人", "126"),
    ("hanyin", "汉阴政务公开培训班学员多少人", "58"),
    ("ningxiang", "宁乡评查了多少卷案卷", "312"),
    ("ningxiang", "宁乡常务会学法搞了几次", "9"),
    ("hanyin", "汉阴开了几场新闻发布会", "14"),
    ("gongyi", "巩义开了几场发布会啊", "9"),
    # Near misses: another measure, stage or channel is not an answer
    ("ningxiang", "How many administrative lawsuits did Ningxiang conclude in 2023?", None),
    ("gongyi", "How many disclosure lawsuits did Gongyi face in 2024?", None),
    ("hanyin", "How many Douyin videos did Hanyin post in 2024?", None),
    ("ningxiang", "How many press conferences did Ningxiang hold in 2023?", None),
    ("gongyi", "How many letters did Gongyi's mayor's mailbox receive?", None),
    ("hanyin", "How many disclosure requests did Hanyin reject?", None),
    ("ningxiang", "How many officials were held accountable in Ningxiang in 2023?", None),
    ("gongyi", "巩义因为信息公开被起诉了几次", None),
    ("ningxiang", "宁乡行政诉讼审结了多少件", None),
    ("hanyin", "汉阴抖音发了多少条", None),
]
