package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Word lists for generated names. Surnames lean to those common in southern
// Fujian (陈, 林, 黄 …), roughly in order of frequency.
var (
	surnames = []string{"陈", "林", "黄", "张", "李", "王", "吴", "郑", "蔡", "杨", "刘", "许", "曾", "洪",
		"苏", "谢", "郭", "庄", "沈", "周", "叶", "卢", "何", "柯", "方", "戴", "江", "邱", "徐", "魏",
		"游", "赖", "傅", "詹", "汤", "钟", "朱", "涂", "高", "康"}
	givenChars = []string{"志", "伟", "明", "华", "建", "国", "文", "雅", "丽", "婷", "芳", "秀", "俊", "杰",
		"海", "燕", "玲", "强", "军", "平", "辉", "鸿", "瑞", "锦", "淑", "惠", "美", "玉", "金", "福",
		"荣", "清", "泉", "振", "宗", "德", "阿", "梅", "霞", "琳", "斌", "毅", "鹏", "晓", "春", "青",
		"思", "佳", "欣", "宇", "泽", "龙", "凤", "水", "宏", "添", "丁", "成", "冬", "银"}

	mobilePrefixes = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
		"151", "152", "155", "156", "157", "158", "159", "177", "180", "181", "182", "183", "186",
		"187", "188", "189", "199"}

	compoundHeads = []string{"锦绣", "碧湖", "龙江", "金峰", "水仙", "芝山", "九龙", "丹霞", "月港", "香洲",
		"阳光", "翠园", "东方", "南湖", "紫荆", "名仕", "江滨", "瑞京", "新华", "胜利", "延安", "博爱",
		"文昌", "桂园", "荔景", "凤凰", "建元", "嘉和", "御景", "华元", "锦江", "盛世", "朝阳", "碧水",
		"云山", "龙湖", "书香", "和平", "幸福", "永安", "逸景", "金山", "银塘", "榕城", "百花", "天宝",
		"圆山", "西溪", "北斗", "丰泽", "清华", "怡和", "鸿运", "富康", "万福", "海湾"}
	compoundTails = []string{"花园", "苑", "新村", "小区", "家园", "名城", "雅居", "华庭", "公寓", "大厦",
		"山庄", "嘉园", "广场", "府", "城", "湾", "轩", "里", "园"}

	zhDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
)

// personName returns a plausible Chinese name: a surname and one or two
// given-name characters.
func personName(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString(surnames[skewed(r, len(surnames))])
	b.WriteString(givenChars[r.IntN(len(givenChars))])
	if r.IntN(10) < 7 {
		b.WriteString(givenChars[r.IntN(len(givenChars))])
	}
	return b.String()
}

// distinctNames returns n different person names.
func distinctNames(r *rand.Rand, n int) []string {
	out := make([]string, 0, n)
	for len(out) < n {
		name := personName(r)
		dup := false
		for _, x := range out {
			dup = dup || x == name
		}
		if !dup {
			out = append(out, name)
		}
	}
	return out
}

// skewed picks an index in [0, n) favouring the front of a list sorted by frequency.
func skewed(r *rand.Rand, n int) int {
	u := r.Float64()
	return int(u * u * float64(n))
}

// mobile returns an 11-digit mainland mobile number.
func mobile(r *rand.Rand) string {
	return fmt.Sprintf("%s%08d", mobilePrefixes[r.IntN(len(mobilePrefixes))], r.IntN(100_000_000))
}

// landline returns a Zhangzhou (area code 0596) office number.
func landline(r *rand.Rand) string {
	return fmt.Sprintf("0596-%d%06d", 2+r.IntN(7), r.IntN(1_000_000))
}

// zhNumber writes 1-99 in Chinese numerals ("十二", "二十").
func zhNumber(n int) string {
	switch {
	case n <= 10:
		return zhDigits[n]
	case n < 20:
		return "十" + zhDigits[n%10]
	case n%10 == 0:
		return zhDigits[n/10] + "十"
	}
	return zhDigits[n/10] + "十" + zhDigits[n%10]
}

// compoundNamer names urban compounds (小区) without repeating a name in
// the city while the word lists last.
type compoundNamer struct {
	r    *rand.Rand
	used map[string]bool
}

func (c *compoundNamer) next() string {
	for range 30 {
		n := compoundHeads[c.r.IntN(len(compoundHeads))] + compoundTails[c.r.IntN(len(compoundTails))]
		if !c.used[n] {
			c.used[n] = true
			return n
		}
	}
	base := compoundHeads[c.r.IntN(len(compoundHeads))] + compoundTails[c.r.IntN(len(compoundTails))]
	for phase := 2; ; phase++ {
		n := base + zhNumber(phase) + "期"
		if !c.used[n] {
			c.used[n] = true
			return n
		}
	}
}

// cellName names the n-th grid cell (1-based) of a village: "南山村第一网格".
func cellName(village string, n int) string { return village + "第" + zhNumber(n) + "网格" }

// Report texts by category. {p} is replaced by a place.
var (
	places = []string{"小区门口", "菜市场旁", "公交站附近", "学校门口", "楼道里", "十字路口", "公园里",
		"巷子里", "停车场", "沿街商铺前", "村口", "河边", "工地旁", "夜市", "广场上", "桥下", "超市门口"}
	descriptions = map[string][]string{
		"safety_hazard": {"{p}有电动车在楼道内充电，存在火灾隐患", "{p}燃气管道有异味，疑似泄漏", "{p}路面塌陷，过往车辆行人危险",
			"{p}消防通道被杂物堵塞", "{p}老旧房屋外墙脱落", "{p}井盖缺失，容易有人掉落", "{p}电线裸露垂落"},
		"public_order": {"{p}有人酗酒闹事", "{p}深夜有人聚集喧哗打闹", "{p}发现可疑人员多次徘徊", "{p}有人强行拉客",
			"{p}发生打架斗殴", "{p}有人飙车炸街"},
		"dispute": {"邻居装修噪音问题协商不成", "与物业就停车费发生纠纷", "楼上漏水渗到我家，协商未果", "家庭矛盾需要调解",
			"租户拖欠房租不肯搬走", "{p}摊位占道引发邻里争执", "宅基地边界与邻居有争议"},
		"complaint": {"{p}路灯坏了很久没人修", "{p}公交站牌损坏", "希望{p}增设减速带", "{p}共享单车乱停放影响通行",
			"社区办事窗口服务态度差", "{p}人行道破损不平", "{p}车辆乱停堵塞通道"},
		"tip": {"{p}疑似有人聚众赌博", "{p}有人兜售来路不明的手机", "发现{p}有人非法集资宣传", "{p}出租屋疑似有传销人员出入",
			"{p}有人散发诈骗传单"},
		"counterfeit": {"{p}商店出售假冒品牌白酒", "{p}摊贩销售过期食品", "{p}药店疑似销售假药", "{p}小作坊生产三无食品",
			"{p}商铺销售假冒名牌服装"},
		"legal_help": {"工资被拖欠三个月，想咨询如何维权", "房屋租赁合同纠纷，需要法律援助", "交通事故赔偿问题咨询",
			"遗产继承问题需要法律咨询", "被电信诈骗，咨询如何追回损失", "工伤认定需要法律帮助"},
		"emergency": {"{p}有老人摔倒受伤", "{p}发生交通事故有人受伤", "{p}有人落水", "{p}突发火情", "{p}有人晕倒需要救助"},
		"environment": {"{p}垃圾堆积多日无人清理", "{p}污水外溢，气味难闻", "{p}夜间施工噪音扰民", "{p}餐馆油烟直排",
			"{p}有人焚烧垃圾", "{p}河道漂浮大量垃圾", "{p}建筑垃圾乱倒"},
		"welfare": {"独居老人生活困难，需要上门帮扶", "残疾人家庭申请救助", "{p}有流浪人员需要救助",
			"困难家庭孩子上学需要帮助", "高龄老人需要助餐服务"},
	}
	descriptionTails = []string{"", "", "", "，请尽快处理。", "，已经持续一周了。", "，多次反映未解决。", "，希望有关部门关注。"}
	rejectNotes      = []string{"重复上报，已合并处理", "经核实不属于受理范围，已告知相关部门", "信息不全，无法核实", "经现场核实情况不属实"}
)

// description returns a short report text for the category.
func description(r *rand.Rand, category string) string {
	ts := descriptions[category]
	if len(ts) == 0 {
		return "请求处理：" + places[r.IntN(len(places))]
	}
	s := strings.Replace(ts[r.IntN(len(ts))], "{p}", places[r.IntN(len(places))], 1)
	return s + descriptionTails[r.IntN(len(descriptionTails))]
}
