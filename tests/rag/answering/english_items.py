"""English questions as a foreign researcher writes them, over the bundled reports and the earlier blind
sets' reports: (store, question, the figures the answer must state, "|"-separated; None where the report
does not give the asked figure and the answer must refuse). Written for tests and for the curve of the
English facts threshold; never gold items."""

ITEMS: list[tuple[str, str, str | None]] = [
    # one figure, asked in the researcher's own words
    ("blind", "How many times did the Anji county executive meeting study law in 2023?", "8"),
    ("blind", "How many lawyers sit in Linqu's government legal adviser office?", "5"),
    ("blind", "How many pre-meeting law study sessions did Mile's executive meeting hold in 2023?", "15"),
    ("blind", "How much did Pidu collect in fines and confiscations in 2023?", "236 million"),
    ("blind", "How much money did Jinjiang take in fines and confiscated income in 2023?", "187 million"),
    ("blind", "How many heads of county departments gave year-end rule-of-law reports in Linqu?", "26"),
    ("blind", "How many practising lawyers does Mile have?", "96"),
    ("blind", "How many times did lawyers help receive petitioners in Jinjiang?", "1260"),
    ("blind", "How many people mediators were there in Anji in 2022?", "1187"),
    ("blind", "How many legal advisers did the Anji county government retain in 2022?", "7"),
    ("blind", "How many officials sat the pre-appointment law exam in Jinjiang?", "127"),
    ("blind", "How many certified law enforcement officers did Liuyang have in 2023?", "2870"),
    ("blind", "How many businesses were spared a penalty for a first minor violation in Liuyang?", "1547"),
    ("blind", "How many reconsideration cases did Mile close in 2023?", "137"),
    ("blind", "How much did Renhuai collect in fines and confiscations in 2023?", "58.7 million"),
    ("blind", "How many village legal liaisons were trained in Linqu?", "1380"),
    ("blind", "How many administrative penalty cases did Jinjiang handle in 2023?", "8932"),
    ("blind", "How many people sat the law enforcement qualification exam in Shijingshan?", "173"),
    ("blind", "How many information disclosure requests did Shijingshan accept in 2023?", "325"),
    ("blind", "How many normative documents did Siyang decide to repeal?", "7"),
    ("blind", "How many suspicious persons did the Tiedong police stop and check?", "3460"),
    ("blind18", "How many times did the Zhengding county executive meeting study law in 2023?", "11"),
    ("blind18", "How many department and township heads gave annual rule-of-law reports in Zhengding?", "38"),
    ("blind18", "How many public-sector lawyers does Zhengding have?", "43"),
    ("blind18", "How many legal review officers work in Zhengding's departments?", "112"),
    ("blind18", "How many times did Wuyuan's executive meeting study law in 2023?", "10"),
    ("blind18", "How many legal opinions did Wuyuan's government legal adviser issue?", "156"),
    ("blind18", "How many emergency drills did Zhengding organise in 2023?", "74"),
    ("blind18", "How many tourist complaints did Wuyuan receive in 2023?", "426"),
    ("blind18", "How many newly promoted section-level cadres took the pre-appointment law exam in Zhengding?", "63"),
    # two parts, each answered
    ("blind", "How many reconsideration cases did Jinjiang receive in 2023, and how many were concluded?", "405"),
    ("blind", "How many disputes did Linqu's mediation bodies handle, and how many were resolved successfully?",
     "4651|4603"),
    ("blind18", "How many reconsideration cases did Zhengding accept in 2023, and how many were concluded?", "96|88"),
    ("blind", "How many first-instance administrative lawsuits did Renhuai have in 2023, and how many did it lose?",
     "104|5"),
    # a figure of another stage, actor or measure is not the asked one
    ("blind18", "How much did Zhengding collect in fines in 2023?", None),
    ("blind", "How many times did the Jinjiang executive meeting study law in 2023?", None),
    ("blind", "How many mediators does Pidu have?", None),
    ("blind", "How many practising lawyers does Linqu have?", None),
    ("blind18", "How many administrative lawsuits were concluded in Wuyuan in 2023?", None),
    ("blind", "How many legal advisers does Liuyang's city government retain?", None),
]
