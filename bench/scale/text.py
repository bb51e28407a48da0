"""Words the generator builds titles, names and reports from."""

# (English, Chinese)
TOPICS = [
    ("Green Energy", "绿色能源"),
    ("Digital Economy", "数字经济"),
    ("Infrastructure", "基础设施"),
    ("Industrial Capacity", "产能"),
    ("Agriculture", "农业"),
    ("Trade and Investment", "贸易投资"),
    ("Health", "卫生健康"),
    ("Transport and Logistics", "交通物流"),
    ("Science and Technology", "科技创新"),
    ("Finance", "金融"),
    ("Customs", "海关"),
    ("Ports and Shipping", "港口航运"),
    ("Railways", "铁路"),
    ("Power Grids", "电网"),
    ("Water Resources", "水资源"),
    ("Tourism", "旅游"),
    ("Education and Training", "教育培训"),
    ("Standards", "标准"),
    ("Special Economic Zones", "经济特区"),
    ("E-commerce", "电子商务"),
    ("Mining", "矿业"),
    ("Climate Change", "应对气候变化"),
    ("Poverty Reduction", "减贫"),
    ("Aviation", "航空"),
    ("Telecommunications", "电信"),
    ("Development Strategies", "发展战略对接"),
    ("Connectivity", "互联互通"),
    ("Food Security", "粮食安全"),
    ("Space", "航天"),
    ("Maritime", "海洋"),
]

KIND_TITLES = {
    "mou": ("Memorandum of Understanding", "谅解备忘录"),
    "framework": ("Framework Agreement", "框架协议"),
    "cooperation_plan": ("Cooperation Plan", "合作规划"),
    "action_plan": ("Action Plan", "行动计划"),
    "joint_statement": ("Joint Statement", "联合声明"),
    "exchange_of_notes": ("Exchange of Notes", "换文"),
    "agreed_minutes": ("Agreed Minutes", "会谈纪要"),
    "other": ("Arrangement", "安排"),
}

SURNAMES = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
    "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo",
]  # fmt: skip
GIVEN = [
    "Wei", "Fang", "Min", "Jing", "Lei", "Jun", "Yan", "Hui", "Qiang", "Ping",
    "Tao", "Ming", "Xin", "Bo", "Lin", "Hong", "Yu", "Hao", "Ning", "Yun",
]  # fmt: skip
FOREIGN_NAMES = [
    "A. Mensah", "J. Kariuki", "S. Rahman", "M. Novak", "L. Garcia", "P. Silva",
    "K. Tanaka", "D. Petrov", "R. Haddad", "E. Okafor", "N. Ivanova", "T. Nguyen",
    "H. Yilmaz", "F. Diallo", "C. Moreau", "I. Kovacs", "B. Ahmed", "O. Sato",
]  # fmt: skip
TITLES = [
    "Minister of Foreign Affairs",
    "Minister of Economy",
    "Minister of Finance",
    "Minister of Planning",
    "Ambassador",
    "Vice Minister",
]
CHINESE_TITLES = ["Chairman of the NDRC", "Vice Chairman of the NDRC", "Minister"]

OUTCOMES = [
    "Texts exchanged; most articles agreed.",
    "Positions narrowed on the financing clauses.",
    "Agreed the annex on working mechanisms.",
    "Counterpart asked for time to consult its ministries.",
    "Remaining differences on dispute settlement.",
    "Legal review of both language versions completed.",
]
NEXT_STEPS = [
    "Send revised draft within two weeks.",
    "Legal departments to check the Chinese and English texts.",
    "Schedule the next round by video conference.",
    "Prepare a briefing for leadership.",
    "Confirm signing arrangements with the embassy.",
]
REASONS = [
    "Counterpart government changed; talks paused.",
    "Priorities changed after the review.",
    "Superseded by a broader framework agreement.",
    "Denounced by the counterpart with notice.",
]
CITIES = [
    "Beijing", "Shanghai", "Guangzhou", "Xi'an", "Chengdu", "Hangzhou",
    "Kunming", "Urumqi", "Xiamen", "Tianjin",
]  # fmt: skip

SECTOR_WORDS = {
    "transport": ["railway", "highway", "bridge", "airport terminal", "port berth"],
    "energy": ["hydropower station", "solar park", "power line", "wind farm"],
    "water": ["water supply system", "wastewater plant", "irrigation scheme"],
    "communications": ["fibre backbone", "data centre", "mobile network"],
    "health": ["hospital", "clinic network", "medical supplies"],
    "education": ["vocational school", "university campus", "scholarships"],
    "industry": ["industrial park", "cement plant", "steel mill"],
    "agriculture": ["demonstration farm", "grain silos", "fishery"],
}
GENERIC_WORDS = ["cooperation project", "support programme", "facility", "centre"]

MILESTONES = [
    "Feasibility study approved",
    "Financing agreement signed",
    "EPC contract awarded",
    "Environmental assessment cleared",
    "Land acquisition completed",
    "Groundbreaking",
    "Foundation works completed",
    "Main structure completed",
    "Equipment installed",
    "Trial operation",
    "Commissioning",
    "Handover",
    "First disbursement",
    "Final acceptance",
    "Staff training completed",
    "Grid connection",
]

SUMMARIES = [
    "Works on schedule; site crews at full strength.",
    "Procurement of main equipment under way.",
    "Civil works progressing; minor delays from rain.",
    "Disbursement request approved by the lender.",
    "Design revisions agreed with the owner.",
    "Testing of installed systems started.",
    "Local staff training continued.",
    "Progress slowed by customs clearance of materials.",
]
ISSUES = [
    "",
    "",
    "",
    "Land acquisition disputes on two plots.",
    "Exchange rate pressure on local costs.",
    "Permits from the local authority pending.",
    "Security situation near the site.",
]
LOG_NEXT = [
    "Complete the next section of works.",
    "Submit the quarterly report to the lender.",
    "Hold the joint steering committee.",
    "Prepare commissioning tests.",
]

INTERNATIONAL = [
    "World Bank", "Asian Infrastructure Investment Bank", "New Development Bank",
    "African Development Bank", "United Nations Industrial Development Organization",
    "World Health Organization", "Food and Agriculture Organization",
    "International Telecommunication Union", "World Trade Organization",
    "Shanghai Cooperation Organisation", "ASEAN Secretariat", "African Union",
    "League of Arab States", "Pacific Islands Forum", "Eurasian Economic Union",
    "International Maritime Organization", "UN Environment Programme",
    "International Energy Agency", "World Meteorological Organization",
    "International Civil Aviation Organization",
]  # fmt: skip
COMPANY_PREFIXES = ["China", "Sino", "CN", "Zhongguo", "Huaxia"]
COMPANY_TRADES = [
    "Railway Engineering", "Harbour Engineering", "Power Construction", "Energy",
    "Communications Construction", "Machinery", "Water Resources", "Road and Bridge",
    "Telecom", "Geo-Engineering", "Metallurgical", "Civil Engineering",
]  # fmt: skip
COMPANY_SUFFIXES = ["Group", "Corporation", "Co., Ltd.", "International"]
