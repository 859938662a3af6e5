"""English lookups whose right figure is the best candidate of the right report, yet by little or by a
low score (a close rival of another kind, a unit the question's noun names, a term the dictionary does not
know), and near misses the report does not give, over four invented reports (a police bureau's, a city
government's, a county government's, a town's). Written for the tests of the English lead rule and for the
curve of `evals/sweep_facts.py --english`; never gold items.
(report, question, the figures the answer must state, "|"-separated; None: the answer must refuse.)"""

REPORTS = {
    "shiquan-police-2024.txt": (
        "石泉县公安局2024年法治政府建设年度报告\n"
        "2024年，石泉县公安局在县委、县政府领导下，深入推进法治公安建设，现将有关情况报告如下。\n"
        "一、加强执法队伍建设\n"
        "全年组织民警参加执法培训42期，培训民警1860人次。组织民警参加国家统一法律职业资格考试，"
        "法考通过17人。开展执法资格等级考试，参考民警236人。\n"
        "二、规范执法办案\n"
        "全年受理行政案件3125起，查处治安案件2640起，办理刑事案件418起。"
        "开展执法质量考评4次，评查案卷520卷。"
        "收取道路交通违法罚款386.4万元。\n"
        "三、接受监督\n"
        "全年收到检察建议5件，均已按期整改回复；收到司法建议2件；办理人大代表建议2件。"
        "因执法行为被申请行政复议11件，被提起行政诉讼4件。\n"
        "四、便民服务\n"
        "户政服务大厅设置服务窗口14个，全年办理户籍业务3.6万件。召开警民恳谈座谈会6场。\n"
        "石泉县公安局\n2025年1月16日\n"
    ),
    "xinmi-2024.txt": (
        "新密市人民政府2024年政府信息公开工作年度报告\n"
        "一、总体情况\n"
        "（一）主动公开。市政府门户网站全年发布信息4380条，本单位网页发布218条。"
        "政务新媒体发布信息2960条，发布政策解读47篇。召开新闻发布会8场。\n"
        "（二）依申请公开。全年收到政府信息公开申请26例，办结25例，其中不予公开3例。\n"
        "（三）政府信息管理。开展政务公开专项督查，派出督查组6个，发现问题38个。"
        "召开政务公开工作座谈会3次。\n"
        "（四）平台建设。市政务服务中心设置综合窗口32个，全年收取不动产登记费用152.6万元。\n"
        "（五）监督保障。因政府信息公开被申请行政复议2件，被提起行政诉讼1件。"
        "组织政务公开业务培训5期，参训人员420人次。\n"
        "新密市人民政府办公室\n2025年1月22日\n"
    ),
    "youxian-2023.txt": (
        "攸县2023年法治政府建设年度报告\n"
        "一、主要举措和成效\n"
        "（一）依法决策。县政府常务会议会前学法12次，政府法律顾问审查合同87份、出具法律意见书140份。\n"
        "（二）严格执法。全县开展行政执法检查1960次，办理行政处罚案件2315件，罚没款收入3280万元。"
        "派出执法监督检查组4个，发现问题27个。\n"
        "（三）化解争议。全县新收行政复议案件64件，审结60件；新收一审行政诉讼案件35件。"
        "各类调解组织调解矛盾纠纷4120件，调解成功4066件。"
        "县法院向行政机关发出司法建议9件，县检察院发出检察建议23件，均已办理回复。\n"
        "（四）学法用法。新提任领导干部任前法律知识考试68人，国家工作人员学法考试参考人数8200人。"
        "举办法治讲座15场，召开依法行政座谈会2次。\n"
        "攸县人民政府\n2024年2月5日\n"
    ),
    "yantang-2024.txt": (
        "茶陵县严塘镇2024年政务公开工作年度报告\n"
        "一、主动公开情况\n"
        "严塘镇人民政府2024年通过镇政府网页发布信息312条，公开栏张贴公告58期，召开村民代表座谈会9次。\n"
        "二、依申请公开情况\n"
        "全年收到信息公开申请4件，均已办结。\n"
        "三、便民服务\n"
        "镇便民服务中心设置服务窗口7个，全年代办事项1860件，走访群众320户。\n"
        "四、法治建设\n"
        "全年作出行政处罚决定37件。镇机关干部全部参加法治考试，合格率100%。\n"
        "严塘镇人民政府\n2025年1月10日\n"
    ),
}

ITEMS: list[tuple[str, str, str | None]] = [
    # the police bureau
    ("shiquan", "How many Shiquan police officers passed the national legal professional exam in 2024?", "17"),
    ("shiquan", "How many officers in Shiquan passed the national unified legal qualification exam?", "17"),
    ("shiquan", "How many procuratorial recommendations did the Shiquan public security bureau receive in 2024?",
     "5"),
    ("shiquan", "How many judicial recommendations did Shiquan police receive in 2024?", "2"),
    ("shiquan", "How much did Shiquan police collect in traffic fines in 2024?", "3.86 million"),
    ("shiquan", "How many service windows does the Shiquan household registration hall have?", "14"),
    ("shiquan", "How many symposiums with residents did Shiquan police hold in 2024?", "6"),
    ("shiquan", "How many criminal cases did Shiquan police handle in 2024?", "418"),
    ("shiquan", "How many training sessions did Shiquan police organise for officers in 2024?", "42"),
    ("shiquan", "How many case files did Shiquan police review in 2024?", "520"),
    ("shiquan", "How many reconsideration applications were filed against Shiquan police in 2024?", "11"),
    ("shiquan", "How many lawsuits were brought against Shiquan police in 2024?", "4"),
    ("shiquan", "How many officers sat the law enforcement qualification exam in Shiquan?", "236"),
    # the city government's open-government report
    ("xinmi", "How many public-information requests did Xinmi receive in 2024?", "26"),
    ("xinmi", "How many information disclosure applications did Xinmi complete in 2024?", "25"),
    ("xinmi", "How many disclosure requests did Xinmi refuse in 2024?", "3"),
    ("xinmi", "How many items did the Xinmi government post on its own page in 2024?", "218"),
    ("xinmi", "How many items did the Xinmi government portal website publish in 2024?", "4380"),
    ("xinmi", "How many policy interpretations did Xinmi publish in 2024?", "47"),
    ("xinmi", "How many inspection teams did Xinmi send out for open government?", "6"),
    ("xinmi", "How many symposiums on open government did Xinmi hold in 2024?", "3"),
    ("xinmi", "How many service windows does the Xinmi government service center have?", "32"),
    ("xinmi", "How much did Xinmi collect in fees in 2024?", "1.53 million"),
    ("xinmi", "How many people took part in Xinmi's open-government training?", "420"),
    ("xinmi", "How many press conferences did Xinmi hold in 2024?", "8"),
    # the county government's rule-of-law report
    ("youxian", "How many procuratorial recommendations were issued to Youxian's government agencies in 2023?",
     "23"),
    ("youxian", "How many judicial recommendations did the Youxian court send to agencies in 2023?", "9"),
    ("youxian", "How many inspection teams did Youxian send to supervise law enforcement?", "4"),
    ("youxian", "How many times did the Youxian executive meeting study law before meetings in 2023?", "12"),
    ("youxian", "How many contracts did Youxian's legal advisers review in 2023?", "87"),
    ("youxian", "How many legal opinions did Youxian's legal advisers issue in 2023?", "140"),
    ("youxian", "How much did Youxian collect in fines and confiscations in 2023?", "32.8 million"),
    ("youxian", "How many newly promoted leaders sat the pre-appointment law exam in Youxian?", "68"),
    ("youxian", "How many law lectures did Youxian hold in 2023?", "15"),
    ("youxian", "How many symposiums on administration by law did Youxian hold in 2023?", "2"),
    ("youxian", "How many reconsideration cases did Youxian conclude in 2023?", "60"),
    # the town's report
    ("yantang", "How many items did Yantang Town post on its web page in 2024?", "312"),
    ("yantang", "How many information requests did Yantang Town receive in 2024?", "4"),
    ("yantang", "How many service windows does Yantang Town's service center have?", "7"),
    ("yantang", "How many households did Yantang Town officials visit in 2024?", "320"),
    # near misses the reports do not give: must stay refused
    ("shiquan", "How many lawsuits did Shiquan police win in 2024?", None),
    ("shiquan", "How many of Shiquan's reconsideration cases were concluded in 2024?", None),
    ("shiquan", "How many people passed the law enforcement qualification exam in Shiquan?", None),
    ("xinmi", "How many judicial recommendations did Xinmi receive in 2024?", None),
    ("xinmi", "How many items did Xinmi post on Douyin in 2024?", None),
    ("xinmi", "How much did Xinmi collect in fines in 2024?", None),
    ("youxian", "How many first-instance lawsuits did Youxian conclude in 2023?", None),
    ("youxian", "How many lawsuits did the Youxian government lose in 2023?", None),
    ("youxian", "How many officials passed the national legal professional exam in Youxian?", None),
    ("yantang", "How many press conferences did Yantang Town hold in 2024?", None),
    ("yantang", "How many reconsideration cases did Yantang Town receive in 2024?", None),
    # A town's staff law exam and its pass rate (合格率); penalties are no lawsuits.
    ("yantang", "What was the pass rate of Yantang Town staff on the law exam in 2024?", "100"),
    ("yantang", "How many administrative lawsuits was Yantang Town involved in during 2024?", None),
]
