"""English lookups of a figure the report states in so many words, refused or answered with a neighbour
on the old code: a count of requests received said as 依申请公开 N件, the items a body published however the
English says it (publish, post, put out, put online; items, pieces, content), counts of enforcement and of
events (penalties, cases handed over, inspection teams, talks, study sessions, publicity events, checks,
reviews), a rank or a title the report gives, and a yes/no over a thing stated as none. Near misses the
reports do not give must stay refused (another stage, another body, another year, granted where only
received is given), and a hotline's or a document's number is never a count. Six invented reports; written
for the tests and for `evals/sweep_facts.py --english`, never gold items.
(report, question, the figures the answer must state, "|"-separated; None: the answer must refuse.)"""

REPORTS = {
    "langao-2023.txt": (
        "岚皋县人民政府2023年政府信息公开工作年度报告\n"
        "一、总体情况\n"
        "（一）主动公开。县政府门户网站发布各类信息2968条，其中政策文件46件。\n"
        "（二）依申请公开。全年共收到依申请公开17件，均已按期答复。\n"
        "（三）政府信息管理。开设政务公开咨询电话0915-2521234，设立12345政务服务便民热线，"
        "印发岚政办发〔2023〕15号文件规范信息发布。\n"
        "（四）收费情况。本年度办理依申请公开未收取任何费用。\n"
        "（五）政务新媒体。暂未开设政务新媒体。\n"
        "二、存在问题\n"
        "部分单位信息更新不及时。\n"
        "岚皋县人民政府办公室\n2024年1月20日\n"
    ),
    "xincheng-2019.txt": (
        "汉滨区新城街道办事处2019年政务公开工作年度报告\n"
        "一、主动公开情况\n"
        "2019年，新城街道办事处通过区政府网站街道专栏公开信息408条，通过政务公开栏张贴各类通知65期。"
        "开通微信公众号1个，全年推送信息133条。\n"
        "二、依申请公开情况\n"
        "全年收到政府信息公开申请5件，已全部办结。\n"
        "三、监督保障\n"
        "组织政务公开业务培训2次。\n"
        "汉滨区新城街道办事处\n2020年1月15日\n"
    ),
    "zhenping-health-2023.txt": (
        "镇坪县卫生健康局2023年法治政府建设工作报告\n"
        "一、严格规范执法\n"
        "全年办理行政处罚案件145件，罚没款12.6万元，向公安机关移送涉嫌犯罪案件4件。"
        "组建5个督察组，开展医疗机构专项检查3轮。\n"
        "二、加强队伍建设\n"
        "局党组开展廉政谈话88人次。局领导班子集体学法10次，组织执法人员培训6期。\n"
        "三、普法宣传\n"
        "开展卫生健康普法活动26场次，发放宣传资料1.2万份。\n"
        "四、依法决策\n"
        "对行政决定开展合法性审查21件，审核规范性文件2件。\n"
        "五、网络安全\n"
        "对局门户网站开展安全检测评估6次。\n"
        "六、工作成效\n"
        "在全省卫生健康系统法治建设考核中位列全省第4名，被命名为全省卫生健康法治示范单位。\n"
        "镇坪县卫生健康局\n2024年2月1日\n"
    ),
    "zuolong-2022.txt": (
        "岚皋县佐龙镇人民政府2022年法治政府建设年度报告\n"
        "一、推进依法行政\n"
        "全年作出行政处罚决定53件，受理群众来信来访41件，办结39件。"
        "镇党委理论学习中心组集体学法8次。通过12345政务服务热线受理群众信息公开咨询。\n"
        "二、普法宣传\n"
        "开展法治宣传进村活动14场次，调解矛盾纠纷96件。\n"
        "三、工作成效\n"
        "在全县法治建设考核中排名第十，获评县级民主法治示范镇。\n"
        "佐龙镇人民政府\n2023年1月12日\n"
    ),
    "ziyang-2022.txt": (
        "紫阳县2022年法治政府建设年度报告\n"
        "一、主要成效\n"
        "紫阳县在2022年全省法治政府建设考核中排名第六位，被命名为第二批省级法治政府建设示范县。\n"
        "二、依法决策\n"
        "县政府常务会议会前学法11次，对重大行政决策开展合法性审查9件，审查行政规范性文件13件。\n"
        "三、行政执法\n"
        "全县办理行政处罚案件1268件，移送司法机关案件7件。"
        "新收行政复议案件38件，新收行政诉讼案件19件。\n"
        "紫阳县人民政府\n2023年2月10日\n"
    ),
    "ningshan-market-2023.txt": (
        "宁陕县市场监督管理局2023年政府信息公开工作年度报告\n"
        "一、总体情况\n"
        "本局在县政府网站主动公开政府信息808条。全年收到政府信息公开申请3件，均已答复。"
        "通过12315投诉举报热线受理诉求1420件。\n"
        "二、政务新媒体\n"
        "开设政务微博1个，发布信息215条。\n"
        "宁陕县市场监督管理局\n2024年1月18日\n"
    ),
    "pingli-market-2023.txt": (
        "平利县市场监督管理局2023年政府信息公开工作年度报告\n"
        "一、主动公开情况\n"
        "本局在县政府网站主动公开政府信息315条，其中行政处罚信息96条。\n"
        "二、依申请公开情况\n"
        "本局畅通12315投诉举报热线和政府信息公开申请渠道，群众诉求均在法定期限内答复。\n"
        "平利县市场监督管理局\n2024年1月25日\n"
    ),
    "hanyin-2022.txt": (
        "汉阴县人民政府2022年政府信息公开工作年度报告\n"
        "一、总体情况\n"
        "全年共收到依申请公开23条，已全部按期答复。县政府网站发布信息1520条，召开新闻发布会4场。\n"
        "二、存在问题\n"
        "政策解读形式较为单一。\n"
        "汉阴县人民政府办公室\n2023年1月28日\n"
    ),
}

ITEMS: list[tuple[str, str, str | None]] = [
    # E1: requests received, said as 依申请公开 N件; a service line's number is no count
    ("langao", "How many public-information requests did Langao County receive in 2023?", "17"),
    ("langao", "How many information disclosure applications did the Langao government get in 2023?", "17"),
    ("ningshan", "How many information disclosure requests did the Ningshan market regulation bureau receive?",
     "3"),
    ("xincheng", "How many information requests did Xincheng Sub-district receive in 2019?", "5"),
    # E2: items published, however the English says it
    ("langao", "How many items did Langao's government website publish in 2023?", "2968"),
    ("langao", "How many pieces of information did the Langao government portal put online in 2023?", "2968"),
    ("langao", "How much content did Langao County put out on its website in total in 2023?", "2968"),
    ("xincheng", "How many items did the Xincheng sub-district office publish in 2019?", "408"),
    ("xincheng", "How many pieces of information did Xincheng Sub-district release in 2019?", "408"),
    ("xincheng", "How many posts did Xincheng's WeChat account push in 2019?", "133"),
    ("ningshan", "How many pieces of government information did the Ningshan market regulation bureau "
     "proactively put on its website?", "808"),
    ("ningshan", "How many items did the Ningshan market regulation bureau publish in 2023?", "808"),
    ("ningshan", "How many posts did the Ningshan market regulation bureau's Weibo account publish?", "215"),
    # E3: enforcement and events
    ("zhenping", "How many administrative penalties did the Zhenping health bureau impose in 2023?", "145"),
    ("zhenping", "How many cases did the Zhenping health bureau hand over to the police in 2023?", "4"),
    ("zhenping", "How many inspection teams did the Zhenping health bureau set up?", "5"),
    ("zhenping", "How many integrity talks did the Zhenping health bureau hold in 2023?", "88"),
    ("zhenping", "How many collective law-study sessions did the Zhenping health bureau leadership hold?", "10"),
    ("zhenping", "How many rule-of-law publicity events did the Zhenping health bureau run in 2023?", "26"),
    ("zhenping", "How many website security checks did the Zhenping health bureau carry out?", "6"),
    ("zhenping", "How many legality reviews of administrative decisions did the Zhenping health bureau do?",
     "21"),
    ("zhenping", "How many training sessions did the Zhenping health bureau hold for its enforcement staff?",
     "6"),
    ("zuolong", "How many fines or other penalty decisions did Zuolong Town hand down in 2022?", "53"),
    ("zuolong", "How many collective law-study sessions did Zuolong Town hold in 2022?", "8"),
    ("zuolong", "How many rule-of-law publicity events did Zuolong Town organise in 2022?", "14"),
    ("zuolong", "How many disputes did Zuolong Town mediate in 2022?", "96"),
    ("ziyang", "How many administrative penalty cases did Ziyang County handle in 2022?", "1268"),
    ("ziyang", "How many cases did Ziyang County transfer to judicial organs in 2022?", "7"),
    ("ziyang", "How many legality reviews of major decisions did Ziyang carry out in 2022?", "9"),
    # E4: ranks and titles
    ("zhenping", "Where did the Zhenping health bureau rank in the province's assessment?", "4"),
    ("zhenping", "What place did the Zhenping health bureau take in the provincial rule-of-law assessment?", "4"),
    ("zuolong", "Where did Zuolong Town rank in the county's rule-of-law assessment in 2022?", "10"),
    ("ziyang", "Where did Ziyang County rank in the provincial assessment in 2022?", "6"),
    ("ziyang", "紫阳县2022年法治政府建设考核全省排第几？", "6"),
    ("ziyang", "What title was Ziyang County given in 2022?", "示范县"),
    # E5: yes/no over a thing stated as none
    ("langao", "Does the Langao government run any social media accounts?", "no"),
    ("langao", "Did Langao charge anyone fees for information requests in 2023?", "no"),
    # near misses the reports do not give: must stay refused
    ("langao", "How many information requests did Langao grant in full in 2023?", None),
    ("langao", "How many public-information requests did Langao County receive in 2022?", None),
    ("zuolong", "How many information disclosure requests did Zuolong Town receive in 2022?", None),
    ("zhenping", "How many administrative lawsuits was the Zhenping health bureau involved in during 2023?",
     None),
    ("zhenping", "How many penalty cases did the Zhenping health bureau conclude through hearings in 2023?",
     None),
    ("ziyang", "How many reconsideration cases did Ziyang conclude in 2022?", None),
    ("ziyang", "How many administrative lawsuits did Ziyang lose in 2022?", None),
    ("xincheng", "How many items did Xincheng Sub-district post on Douyin in 2019?", None),
    ("ningshan", "How many Weibo posts did the Ningshan market regulation bureau publish in 2022?", None),
    ("zuolong", "Where did Zuolong Town rank in the provincial assessment in 2022?", None),
    # requests counted in 条: the report's own unit for the requests it names
    ("hanyin", "How many public-information requests did Hanyin County receive in 2022?", "23"),
    ("hanyin", "How many information requests did Hanyin grant in full in 2022?", None),
    # a hotline's number is never the count of requests a report does not give
    ("pingli", "How many information disclosure requests did the Pingli market regulation bureau receive?", None),
    ("pingli", "How many disclosure applications did the Pingli market regulation bureau get in 2023?", None),
    ("pingli", "How many items did the Pingli market regulation bureau publish in 2023?", "315"),
]
