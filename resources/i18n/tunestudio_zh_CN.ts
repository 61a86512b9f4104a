<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <source>Features: {done} of {total} images</source>
        <translation>特征：{done} / {total} 张图片</translation>
    </message>
    <message>
        <source>Head trials</source>
        <translation>分类头试验</translation>
    </message>
    <message>
        <source>Fine-tuning</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>Trial {n} of {total}</source>
        <translation>试验 {n}/{total}</translation>
    </message>
    <message>
        <source>Trial {n}</source>
        <translation>试验 {n}</translation>
    </message>
    <message>
        <source>epoch {epoch}/{epochs}</source>
        <translation>第 {epoch}/{epochs} 轮</translation>
    </message>
    <message>
        <source>{spent} of {budget}</source>
        <translation>{spent} / {budget}</translation>
    </message>
    <message>
        <source>elapsed {clock}</source>
        <translation>已用 {clock}</translation>
    </message>
    <message>
        <source>about {clock} left</source>
        <translation>约剩 {clock}</translation>
    </message>
</context>
<context>
    <name>About</name>
    <message>
        <source>About TuneStudio</source>
        <translation>关于 TuneStudio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;TuneStudio {version}&lt;/h3&gt;&lt;p&gt;Tune an image classifier with Keras Tuner, without writing code.&lt;/p&gt;&lt;table&gt;{rows}&lt;/table&gt;</source>
        <translation>&lt;h3&gt;TuneStudio {version}&lt;/h3&gt;&lt;p&gt;无需编写代码，用 Keras Tuner 调优图像分类器。&lt;/p&gt;&lt;table&gt;{rows}&lt;/table&gt;</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
</context>
<context>
    <name>CalibrationView</name>
    <message>
        <source>Calibration is fitted on the validation split when a search ends.</source>
        <translation>搜索结束时会在验证集上拟合校准。</translation>
    </message>
    <message>
        <source>Reliability diagram (validation)</source>
        <translation>可靠性图（验证集）</translation>
    </message>
    <message>
        <source>confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Threshold: coverage and accuracy (validation)</source>
        <translation>阈值：覆盖率与准确率（验证集）</translation>
    </message>
    <message>
        <source>confidence threshold</source>
        <translation>置信度阈值</translation>
    </message>
    <message>
        <source>Answer &quot;unknown&quot; below</source>
        <translation>低于此值回答“未知”</translation>
    </message>
    <message>
        <source>Temperature {t:.2f} fitted on {n} validation images. Expected calibration error {before:.1%} before, {after:.1%} after: the confidence shown is the calibrated one.</source>
        <translation>在 {n} 张验证图片上拟合的温度为 {t:.2f}。期望校准误差：校准前 {before:.1%}，校准后 {after:.1%}；显示的置信度为校准后的值。</translation>
    </message>
    <message>
        <source>perfect</source>
        <translation>理想</translation>
    </message>
    <message>
        <source>before</source>
        <translation>校准前</translation>
    </message>
    <message>
        <source>after</source>
        <translation>校准后</translation>
    </message>
    <message>
        <source>coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <source>accuracy of the answers</source>
        <translation>已回答的准确率</translation>
    </message>
    <message>
        <source>{t:.2f}: answers {coverage:.0%}, accuracy {accuracy}</source>
        <translation>{t:.2f}：回答 {coverage:.0%}，准确率 {accuracy}</translation>
    </message>
</context>
<context>
    <name>ClassBalanceChart</name>
    <message>
        <source>images</source>
        <translation>图像</translation>
    </message>
</context>
<context>
    <name>ClassMetricsTable</name>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>Support</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Precision, recall and F1 per class</source>
        <translation>每个类别的精确率、召回率和 F1</translation>
    </message>
    <message>
        <source>Accuracy: {value}</source>
        <translation>准确率：{value}</translation>
    </message>
    <message>
        <source>macro avg</source>
        <translation>宏平均</translation>
    </message>
    <message>
        <source>weighted avg</source>
        <translation>加权平均</translation>
    </message>
    <message>
        <source>Accuracy: {value} (no images)</source>
        <translation>准确率：{value}（无图像）</translation>
    </message>
    <message>
        <source>Accuracy: {value:.3f} ({correct} of {total} correct)</source>
        <translation>准确率：{value:.3f}（{total} 张中 {correct} 张正确）</translation>
    </message>
    <message>
        <source>Undefined: no image was predicted as this class</source>
        <translation>未定义：没有图像被预测为此类别</translation>
    </message>
    <message>
        <source>Undefined: this class has no images in the validation split</source>
        <translation>未定义：验证集中没有此类别的图像</translation>
    </message>
    <message>
        <source>Undefined: precision or recall is undefined</source>
        <translation>未定义：精确率或召回率未定义</translation>
    </message>
</context>
<context>
    <name>ClassTable</name>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像数</translation>
    </message>
</context>
<context>
    <name>ComparePage</name>
    <message>
        <source>Trial</source>
        <translation>试验</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Compare ticked trials</source>
        <translation>比较勾选的试验</translation>
    </message>
    <message>
        <source>Tick two or more trials, from one search or several (select several searches above and open them).</source>
        <translation>勾选两个或更多试验，可来自一个或多个搜索（在上方选择多个搜索并打开）。</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>trial {n}</source>
        <translation>试验 {n}</translation>
    </message>
    <message>
        <source>Select two or more trials and press Compare.</source>
        <translation>选择两个或更多试验，然后点击“比较”。</translation>
    </message>
    <message>
        <source>validation accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Rows marked ≠ differ between the compared trials</source>
        <translation>标有 ≠ 的行在所比较的试验之间不同</translation>
    </message>
    <message>
        <source>Comparing {count} trials. Rows marked ≠ differ.</source>
        <translation>正在比较 {count} 个试验。标有 ≠ 的行互不相同。</translation>
    </message>
    <message>
        <source>score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>differs between the trials</source>
        <translation>各试验之间不同</translation>
    </message>
    <message>
        <source>best of the compared trials</source>
        <translation>所比较试验中最好的</translation>
    </message>
    <message>
        <source>correct</source>
        <translation>正确</translation>
    </message>
    <message>
        <source>no confusion matrix recorded</source>
        <translation>未记录混淆矩阵</translation>
    </message>
</context>
<context>
    <name>ConfusionModel</name>
    <message>
        <source>True class: {true}
Predicted: {predicted}
</source>
        <translation>真实类别：{true}
预测：{predicted}
</translation>
    </message>
    <message>
        <source>{count} of {support} images correct</source>
        <translation>{support} 张图像中 {count} 张正确</translation>
    </message>
    <message>
        <source>{count} of {support} images predicted as {predicted}</source>
        <translation>{support} 张图像中 {count} 张被预测为 {predicted}</translation>
    </message>
    <message>
        <source> ({share:.1f}% of them)</source>
        <translation>（占 {share:.1f}%）</translation>
    </message>
    <message>
        <source>True class: {name}</source>
        <translation>真实类别：{name}</translation>
    </message>
    <message>
        <source>Predicted class: {name}</source>
        <translation>预测类别：{name}</translation>
    </message>
</context>
<context>
    <name>ConfusionView</name>
    <message>
        <source>No confusion matrix yet: it appears after the first epoch.</source>
        <translation>还没有混淆矩阵：第一轮结束后显示。</translation>
    </message>
    <message>
        <source>Rows: true class · columns: predicted class</source>
        <translation>行：真实类别 · 列：预测类别</translation>
    </message>
    <message>
        <source>A cell&apos;s shade is its share of the true class&apos;s images: blue on the diagonal (correct), orange elsewhere (mistakes).</source>
        <translation>单元格的深浅表示其占该真实类别图像的比例：对角线为蓝色（正确），其余为橙色（错误）。</translation>
    </message>
    <message>
        <source>Confusion matrix: rows true class, columns predicted class</source>
        <translation>混淆矩阵：行为真实类别，列为预测类别</translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <source>epoch {epoch}</source>
        <translation>第 {epoch} 轮</translation>
    </message>
    <message>
        <source>epoch {n} (weights kept)</source>
        <translation>第 {n} 轮（保留的权重）</translation>
    </message>
    <message>
        <source>weights kept</source>
        <translation>保留的权重</translation>
    </message>
    <message>
        <source>trial {n}</source>
        <translation>试验 {n}</translation>
    </message>
    <message>
        <source>Validation confusion — {trial}, {where}</source>
        <translation>验证集混淆矩阵 — {trial}，{where}</translation>
    </message>
    <message>
        <source>Cannot show the confusion matrix of {trial}: {why}</source>
        <translation>无法显示 {trial} 的混淆矩阵：{why}</translation>
    </message>
</context>
<context>
    <name>CoreMessages</name>
    <message>
        <source>symbolic link loop: the link points back to itself</source>
        <translation>符号链接循环：链接指向自身</translation>
    </message>
    <message>
        <source>broken link: its target does not exist</source>
        <translation>失效链接：目标不存在</translation>
    </message>
    <message>
        <source>file disappeared during the scan</source>
        <translation>扫描期间文件消失了</translation>
    </message>
    <message>
        <source>cannot read: permission denied</source>
        <translation>无法读取：权限不足</translation>
    </message>
    <message>
        <source>cannot read: {error}</source>
        <translation>无法读取：{error}</translation>
    </message>
    <message>
        <source>unsupported format ({fmt}): convert it to JPEG or PNG</source>
        <translation>不支持的格式（{fmt}）：请转换为 JPEG 或 PNG</translation>
    </message>
    <message>
        <source>corrupt image: it starts like a {fmt} file but its header is damaged</source>
        <translation>图像损坏：开头像 {fmt} 文件，但文件头已损坏</translation>
    </message>
    <message>
        <source>unsupported image format ({fmt}): convert it to JPEG or PNG</source>
        <translation>不支持的图像格式（{fmt}）：请转换为 JPEG 或 PNG</translation>
    </message>
    <message>
        <source>not an image (unrecognised content)</source>
        <translation>不是图像（无法识别的内容）</translation>
    </message>
    <message>
        <source>empty file (0 bytes)</source>
        <translation>空文件（0 字节）</translation>
    </message>
    <message>
        <source>refused: {size} MB is too large for a training image</source>
        <translation>已拒绝：{size} MB 对训练图像来说太大</translation>
    </message>
    <message>
        <source>not an image: the content is not a {ext} file (damaged, or not really a picture)</source>
        <translation>不是图像：内容不是 {ext} 文件（已损坏，或者根本不是图片）</translation>
    </message>
    <message>
        <source>refused: {size} pixels is too large to decode safely (limit {limit} pixels; possible decompression bomb)</source>
        <translation>已拒绝：{size} 像素太大，无法安全解码（上限 {limit} 像素；可能是解压炸弹）</translation>
    </message>
    <message>
        <source>refused: too many pixels is too large to decode safely (limit {limit} pixels; possible decompression bomb)</source>
        <translation>已拒绝：像素太多，无法安全解码（上限 {limit} 像素；可能是解压炸弹）</translation>
    </message>
    <message>
        <source>corrupt or truncated image: {error}</source>
        <translation>图像损坏或被截断：{error}</translation>
    </message>
    <message>
        <source>corrupt image: unreadable header ({error})</source>
        <translation>图像损坏：文件头无法读取（{error}）</translation>
    </message>
    <message>
        <source>corrupt image: it has no pixels</source>
        <translation>图像损坏：没有像素</translation>
    </message>
    <message>
        <source>refused: possible decompression bomb ({error})</source>
        <translation>已拒绝：可能是解压炸弹（{error}）</translation>
    </message>
    <message>
        <source>refused: not enough memory to decode this image</source>
        <translation>已拒绝：内存不足，无法解码此图像</translation>
    </message>
    <message>
        <source>not a file</source>
        <translation>不是文件</translation>
    </message>
    <message>
        <source>not a regular file (device, pipe or socket)</source>
        <translation>不是普通文件（设备、管道或套接字）</translation>
    </message>
    <message>
        <source>cannot inspect: {error}</source>
        <translation>无法检查：{error}</translation>
    </message>
    <message>
        <source>{n} {reason}</source>
        <translation>{n} 个{reason}</translation>
    </message>
    <message>
        <source>{first}, {rest}</source>
        <translation>{first}、{rest}</translation>
    </message>
    <message>
        <source>corrupt image</source>
        <translation>损坏的图像</translation>
    </message>
    <message>
        <source>corrupt or truncated image</source>
        <translation>损坏或截断的图像</translation>
    </message>
    <message>
        <source>not an image</source>
        <translation>非图像文件</translation>
    </message>
    <message>
        <source>empty file</source>
        <translation>空文件</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>被拒绝的文件</translation>
    </message>
    <message>
        <source>unsupported format</source>
        <translation>不支持的格式</translation>
    </message>
    <message>
        <source>unsupported image format</source>
        <translation>不支持的图像格式</translation>
    </message>
    <message>
        <source>cannot read</source>
        <translation>无法读取的文件</translation>
    </message>
    <message>
        <source>hidden or system file</source>
        <translation>隐藏或系统文件</translation>
    </message>
    <message>
        <source>1 image</source>
        <translation>1 张图像</translation>
    </message>
    <message>
        <source>{n} images</source>
        <translation>{n} 张图像</translation>
    </message>
    <message>
        <source>1 file</source>
        <translation>1 个文件</translation>
    </message>
    <message>
        <source>{n} files</source>
        <translation>{n} 个文件</translation>
    </message>
    <message>
        <source>1 hidden, system or stray file</source>
        <translation>1 个隐藏、系统或无关文件</translation>
    </message>
    <message>
        <source>{n} hidden, system or stray files</source>
        <translation>{n} 个隐藏、系统或无关文件</translation>
    </message>
    <message>
        <source>No class folders found: put each class&apos;s images in its own subfolder.</source>
        <translation>未找到类别文件夹：请把每个类别的图像放进各自的子文件夹。</translation>
    </message>
    <message>
        <source>No class folders found: put each class&apos;s images in its own subfolder ({images} lie directly in the folder).</source>
        <translation>未找到类别文件夹：请把每个类别的图像放进各自的子文件夹（有 {images} 直接放在该文件夹中）。</translation>
    </message>
    <message>
        <source>This does not look like an image dataset: none of its {files} is a usable image.</source>
        <translation>这看起来不是图像数据集：其中 {files} 都不是可用的图像。</translation>
    </message>
    <message>
        <source>Most files here are not usable images ({n} of {total}): is this the right folder?</source>
        <translation>这里的大多数文件不是可用的图像（{total} 个中只有 {n} 个可用）：文件夹选对了吗？</translation>
    </message>
    <message>
        <source>{files} cannot be used ({summary}); see the problem list.</source>
        <translation>{files}无法使用（{summary}）；请查看问题列表。</translation>
    </message>
    <message>
        <source>Class &apos;{c}&apos; has no usable images and will be left out.</source>
        <translation>类别“{c}”没有可用的图像，将被排除。</translation>
    </message>
    <message>
        <source>Class &apos;{c}&apos; has only {images}: results will be unreliable.</source>
        <translation>类别“{c}”只有 {images}：结果将不可靠。</translation>
    </message>
    <message>
        <source>Heavy class imbalance: &apos;{big}&apos; has {n} images, &apos;{small}&apos; only {count}.</source>
        <translation>类别严重不平衡：“{big}”有 {n} 张图像，“{small}”只有 {count} 张。</translation>
    </message>
    <message>
        <source>Class names that differ only in case or spaces: {names}; they are separate classes. Rename the folders if they are meant to be one.</source>
        <translation>类别名称仅在大小写或空格上不同：{names}；它们是不同的类别。如果本应是同一类，请重命名文件夹。</translation>
    </message>
    <message>
        <source>The &apos;{split}&apos; split has no images of {classes}.</source>
        <translation>“{split}”划分中没有 {classes} 的图像。</translation>
    </message>
    <message>
        <source>Grayscale and colour images are mixed ({gray} of {total} grayscale, e.g. {example}); grayscale ones are used as 3 equal channels.</source>
        <translation>灰度图像与彩色图像混杂（{total} 张中有 {gray} 张灰度图，例如 {example}）；灰度图将作为 3 个相同通道使用。</translation>
    </message>
    <message>
        <source>Images whose extension does not match their content: {n} (e.g. {example}); they are read by their content.</source>
        <translation>扩展名与内容不符的图像：{n} 张（例如 {example}）；将按实际内容读取。</translation>
    </message>
    <message>
        <source>Images in a format TensorFlow cannot read directly or correctly: {n} (e.g. {example}); they are converted to PNG for training.</source>
        <translation>TensorFlow 无法直接或正确读取的格式的图像：{n} 张（例如 {example}）；训练时会转换为 PNG。</translation>
    </message>
    <message>
        <source>CMYK images: {n} (e.g. {example}); they are converted to RGB.</source>
        <translation>CMYK 图像：{n} 张（例如 {example}）；将转换为 RGB。</translation>
    </message>
    <message>
        <source>Images with 16 bits per channel: {n} (e.g. {example}); they are reduced to 8 bits.</source>
        <translation>每通道 16 位的图像：{n} 张（例如 {example}）；将降为 8 位。</translation>
    </message>
    <message>
        <source>Images with transparency: {n} (e.g. {example}); it is dropped and transparent areas keep their stored colour.</source>
        <translation>带透明通道的图像：{n} 张（例如 {example}）；透明通道将被丢弃，透明区域保留其存储的颜色。</translation>
    </message>
    <message>
        <source>Photos with an EXIF rotation: {n} (e.g. {example}); they are turned upright for training.</source>
        <translation>带 EXIF 旋转信息的照片：{n} 张（例如 {example}）；训练时会转正。</translation>
    </message>
    <message>
        <source>Animated images: {n} (e.g. {example}); only the first frame is used.</source>
        <translation>动图：{n} 张（例如 {example}）；只使用第一帧。</translation>
    </message>
    <message>
        <source>Images smaller than {n} px on a side: {count} (e.g. {example}); they are stretched to the training size and carry little information.</source>
        <translation>边长小于 {n} px 的图像：{count} 张（例如 {example}）；它们会被拉伸到训练尺寸，信息量很少。</translation>
    </message>
    <message>
        <source>Class &apos;{c}&apos; has {files} in subfolders; they count as &apos;{label}&apos;.</source>
        <translation>类别“{c}”的子文件夹中有 {files}；它们都算作“{label}”。</translation>
    </message>
    <message>
        <source>{files} skipped (e.g. {example}).</source>
        <translation>已跳过 {files}（例如 {example}）。</translation>
    </message>
    <message>
        <source>The same image is in different classes ({classes}): {names}</source>
        <translation>同一张图像出现在不同类别中（{classes}）：{names}</translation>
    </message>
    <message>
        <source>The same image is in more than one split ({split}), which inflates validation scores: {names}</source>
        <translation>同一张图像出现在多个划分中（{split}），这会虚高验证得分：{names}</translation>
    </message>
    <message>
        <source>No folder chosen: choose the folder that holds one subfolder per class.</source>
        <translation>未选择文件夹：请选择每个类别各有一个子文件夹的文件夹。</translation>
    </message>
    <message>
        <source>{root}: folder not found</source>
        <translation>{root}：找不到文件夹</translation>
    </message>
    <message>
        <source>{root}: folder not found (was it moved or deleted?)</source>
        <translation>{root}：找不到文件夹（是否已被移动或删除？）</translation>
    </message>
    <message>
        <source>{root}: not a folder (choose the folder that holds the class folders)</source>
        <translation>{root}：不是文件夹（请选择包含类别文件夹的文件夹）</translation>
    </message>
    <message>
        <source>{root}: cannot open folder ({error})</source>
        <translation>{root}：无法打开文件夹（{error}）</translation>
    </message>
    <message>
        <source>{root}: cannot read folder (permission denied)</source>
        <translation>{root}：无法读取文件夹（权限不足）</translation>
    </message>
    <message>
        <source>{root}: cannot read folder ({error})</source>
        <translation>{root}：无法读取文件夹（{error}）</translation>
    </message>
    <message>
        <source>{root}: the folder disappeared during the scan</source>
        <translation>{root}：扫描期间文件夹消失了</translation>
    </message>
    <message>
        <source>{root}: the folder&apos;s path is not valid text (UTF-8); rename it</source>
        <translation>{root}：文件夹路径不是有效的 UTF-8 文本，请重命名</translation>
    </message>
    <message>
        <source>{root} has no class folders. Put each class&apos;s images in its own subfolder (e.g. cats/ and dogs/).</source>
        <translation>{root} 中没有类别文件夹。请把每个类别的图像放进各自的子文件夹（例如 cats/ 和 dogs/）。</translation>
    </message>
    <message>
        <source>{root}: its class folders are empty. Put each class&apos;s images in its own subfolder.</source>
        <translation>{root}：类别文件夹都是空的。请把每个类别的图像放进各自的子文件夹。</translation>
    </message>
    <message>
        <source>{root}: a classifier needs at least two classes with usable images (found only &apos;{c}&apos;). Put each class&apos;s images in its own subfolder.</source>
        <translation>{root}：分类器至少需要两个有可用图像的类别（只找到“{c}”）。请把每个类别的图像放进各自的子文件夹。</translation>
    </message>
    <message>
        <source>The time budget is spent.</source>
        <translation>时间预算已用完。</translation>
    </message>
    <message>
        <source>Time budget of {budget} reached.</source>
        <translation>已达到 {budget} 的时间预算。</translation>
    </message>
    <message>
        <source>Time budget of {budget} reached. {detail}</source>
        <translation>已达到 {budget} 的时间预算。{detail}</translation>
    </message>
    <message>
        <source>All 1 trial ran.</source>
        <translation>1 个试验已全部运行完。</translation>
    </message>
    <message>
        <source>All {done} trials ran.</source>
        <translation>{done} 个试验已全部运行完。</translation>
    </message>
    <message>
        <source>All 1 trial ran within the {budget} budget.</source>
        <translation>1 个试验已在 {budget} 的预算内全部运行完。</translation>
    </message>
    <message>
        <source>All {done} trials ran within the {budget} budget.</source>
        <translation>{done} 个试验已在 {budget} 的预算内全部运行完。</translation>
    </message>
    <message>
        <source>The {remaining} s left are too short for another useful trial (about {need} s for {least} epochs and the model&apos;s set-up).</source>
        <translation>剩余的 {remaining} 秒不足以再运行一个有意义的试验（{least} 轮加上模型构建约需 {need} 秒）。</translation>
    </message>
    <message>
        <source>No better trial in the last {n} trials: the search has plateaued and ends early.</source>
        <translation>最近 {n} 个试验没有更好的结果：搜索已进入平台期，提前结束。</translation>
    </message>
    <message>
        <source>{n} head trials on cached features, then fine-tuning, within the {budget} budget.</source>
        <translation>在 {budget} 的预算内：基于缓存特征的 {n} 次分类头试验，然后微调。</translation>
    </message>
    <message>
        <source>{n} head trials on cached features, within the {budget} budget.</source>
        <translation>在 {budget} 的预算内：基于缓存特征的 {n} 次分类头试验。</translation>
    </message>
    <message>
        <source>{n} head trials on cached features, then fine-tuning, within the trial limit.</source>
        <translation>在试验次数上限内：基于缓存特征的 {n} 次分类头试验，然后微调。</translation>
    </message>
    <message>
        <source>{n} head trials on cached features, within the trial limit.</source>
        <translation>在试验次数上限内：基于缓存特征的 {n} 次分类头试验。</translation>
    </message>
    <message>
        <source>Transfer learning from {name} at {size} px: the frozen network reads about {n} images/s here, so its features of {count} images ({total} views each) take about {seconds} s once; later searches of these files reuse them.</source>
        <translation>从 {name} 迁移学习，输入 {size} px：冻结的网络在本机每秒约读取 {n} 张图片，因此 {count} 张图片（每张 {total} 个视图）的特征只需计算一次，约 {seconds} 秒；之后对这些文件的搜索会复用它们。</translation>
    </message>
    <message>
        <source>The final model is the fine-tuned trial {n} (validation {value} against {low} for the best head alone).</source>
        <translation>最终模型是微调后的试验 {n}（验证 {value}，仅用最佳分类头为 {low}）。</translation>
    </message>
    <message>
        <source>The final model is head trial {n}: fine-tuning scored {value} on validation, not above the head&apos;s {low}.</source>
        <translation>最终模型是分类头试验 {n}：微调在验证集上得分 {value}，未超过分类头的 {low}。</translation>
    </message>
    <message>
        <source>The final model is head trial {n} on the frozen {name}.</source>
        <translation>最终模型是冻结的 {name} 上的分类头试验 {n}。</translation>
    </message>
    <message>
        <source>No better head in the last {n} head trials: the head search has plateaued and ends; fine-tuning follows when the budget allows.</source>
        <translation>最近 {n} 次分类头试验没有更好的结果：分类头搜索已进入平台期并结束；预算允许时接着进行微调。</translation>
    </message>
    <message>
        <source>No fine-tuning: the {remaining} s left are too short for {least} epochs (about {need} s each here).</source>
        <translation>不进行微调：剩余的 {remaining} 秒不够 {least} 个轮次（本机每轮约 {need} 秒）。</translation>
    </message>
    <message>
        <source>Training from scratch: no pretrained network&apos;s weights are on this machine. On a folder of photos (these are about {size} px), starting from MobileNetV2 pretrained on ImageNet usually scores far higher in minutes (published results on five flower classes: about 0.86-0.90 with the network frozen, 0.95 after fine-tuning, against about 0.74 from scratch here). Get its weights (9 MB) with &apos;tunestudio weights fetch mobilenet_v2&apos;, or on an offline machine copy the file into the Keras cache ({folder}), then start again.</source>
        <translation>从头训练：本机没有任何预训练网络的权重。对于照片文件夹（这些约为 {size} px），从在 ImageNet 上预训练的 MobileNetV2 开始，通常几分钟内就能得到高得多的分数（五类花卉的公开结果：冻结网络约 0.86-0.90，微调后 0.95，而这里从头训练约 0.74）。可用“tunestudio weights fetch mobilenet_v2”获取其权重（9 MB），离线机器可将文件复制到 Keras 缓存（{folder}），然后重新开始。</translation>
    </message>
    <message>
        <source>the search ended</source>
        <translation>搜索已结束</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <source>Image size {size} px.</source>
        <translation>图像尺寸 {size} px。</translation>
    </message>
    <message>
        <source>Image size {size} px (chosen for {budget}).</source>
        <translation>图像尺寸 {size} px（按 {budget} 的预算选择）。</translation>
    </message>
    <message>
        <source>Image size {size} px; measured epoch times: {times}.</source>
        <translation>图像尺寸 {size} px；实测每轮用时：{times}。</translation>
    </message>
    <message>
        <source>Image size {size} px (chosen for {budget}); measured epoch times: {times}.</source>
        <translation>图像尺寸 {size} px（按 {budget} 的预算选择）；实测每轮用时：{times}。</translation>
    </message>
    <message>
        <source>width {width} at {size} px ~{seconds} s</source>
        <translation>宽度 {width}、{size} px 时约 {seconds} 秒</translation>
    </message>
    <message>
        <source>{count} file(s) cannot be used and are left out (first: {path}: {reason}).</source>
        <translation>{count} 个文件无法使用，已排除（第一个：{path}：{reason}）。</translation>
    </message>
    <message>
        <source>{count} file(s) disappeared or changed since the scan and are left out (first: {path}).</source>
        <translation>{count} 个文件在扫描后消失或发生变化，已排除（第一个：{path}）。</translation>
    </message>
    <message>
        <source>Trial {n} stopped after {epochs} epochs: clearly behind the best trial at the same epoch; its time goes to the next trial.</source>
        <translation>试验 {n} 在 {epochs} 轮后停止：在相同轮次明显落后于最佳试验；它的时间留给下一个试验。</translation>
    </message>
    <message>
        <source>This budget holds one trial of {epochs} epochs: one well-trained model scores higher than several short trials. A search of several trials needs about {budget}.</source>
        <translation>此时间预算可容纳一个 {epochs} 轮的试验：一个充分训练的模型比几次短试验得分更高。进行多次试验的搜索大约需要 {budget}。</translation>
    </message>
    <message>
        <source>This budget holds about {n} trials of {epochs} epochs each.</source>
        <translation>此时间预算大约可容纳 {n} 次试验，每个 {epochs} 轮。</translation>
    </message>
    <message>
        <source>The budget holds about {n} trials: the next trials keep the best trial&apos;s choices and refine its numeric settings (learning rate, dropout, ...) instead of sampling the whole search space.</source>
        <translation>预算大约只够 {n} 个试验：接下来的试验保留最佳试验的各项选择，只微调其数值设置（学习率、Dropout 等），而不在整个搜索空间中抽样。</translation>
    </message>
    <message>
        <source>The final model averages trials {names}: validation accuracy {score} against {best} for the best trial alone.</source>
        <translation>最终模型取试验 {names} 的平均：验证准确率 {score}，单用最佳试验为 {best}。</translation>
    </message>
    <message>
        <source>The final model averages trials {names}: validation loss {score} against {best} for the best trial alone.</source>
        <translation>最终模型取试验 {names} 的平均：验证损失 {score}，单用最佳试验为 {best}。</translation>
    </message>
    <message>
        <source>Out of memory at batch size {size}; retrying this trial once at batch size {half}. ({error})</source>
        <translation>批大小为 {size} 时内存不足；以批大小 {half} 重试此试验一次。（{error}）</translation>
    </message>
    <message>
        <source>{count} training image(s) could not be read any more (moved, deleted or changed since the scan) and were left out.</source>
        <translation>{count} 张训练图像已无法读取（扫描后被移动、删除或修改），已排除。</translation>
    </message>
    <message>
        <source>{count} validation image(s) could not be read any more (moved, deleted or changed since the scan) and were left out.</source>
        <translation>{count} 张验证图像已无法读取（扫描后被移动、删除或修改），已排除。</translation>
    </message>
    <message>
        <source>The classes are heavily imbalanced, so each is weighted by the inverse of its share of the training images (class weights on).</source>
        <translation>类别严重不平衡，因此每个类别按其在训练图像中占比的倒数加权（已开启类别权重）。</translation>
    </message>
    <message>
        <source>Mixed precision needs a GPU; training in float32 on the CPU.</source>
        <translation>混合精度需要 GPU；在 CPU 上以 float32 训练。</translation>
    </message>
    <message>
        <source>Mixed precision needs a GPU with fast float16 (compute capability 7.0 or later); training in float32.</source>
        <translation>混合精度需要支持快速 float16 的 GPU（计算能力 7.0 或更高）；以 float32 训练。</translation>
    </message>
    <message>
        <source>{count} training images: batch size lowered from {value} to {choices}, so an epoch has {n} or more steps (batch norm and the learning-rate schedule learn per step; one step an epoch leaves validation at chance).</source>
        <translation>{count} 张训练图像：批大小从 {value} 降到 {choices}，使每个轮次至少有 {n} 步（批归一化和学习率调度按步学习；每轮只有一步时验证准确率停在随机水平）。</translation>
    </message>
    <message>
        <source>XLA on for {name} on {path}: a training step took {value} s compiled against {limit} s plain.</source>
        <translation>{name} 在 {path} 上启用 XLA：编译后一个训练步用时 {value} 秒，未编译为 {limit} 秒。</translation>
    </message>
    <message>
        <source>XLA off for {name} on {path}: a training step took {value} s compiled against {limit} s plain.</source>
        <translation>{name} 在 {path} 上不启用 XLA：编译后一个训练步用时 {value} 秒，未编译为 {limit} 秒。</translation>
    </message>
    <message>
        <source>XLA failed for {name} on {path} ({error}); using the plain graph.</source>
        <translation>{name} 在 {path} 上 XLA 失败（{error}）；使用普通计算图。</translation>
    </message>
    <message>
        <source>stopped by user; it will run again on resume</source>
        <translation>已被用户停止；继续搜索时会重新运行</translation>
    </message>
    <message>
        <source>{value} is not true/false</source>
        <translation>{value} 不是 true/false</translation>
    </message>
    <message>
        <source>give a value</source>
        <translation>请填写一个值</translation>
    </message>
    <message>
        <source>{value} is not a number</source>
        <translation>{value} 不是数字</translation>
    </message>
    <message>
        <source>{value} is not a whole number</source>
        <translation>{value} 不是整数</translation>
    </message>
    <message>
        <source>give a value, a list such as 32,64, or a range such as 16:128</source>
        <translation>请填写一个值、一组值（如 32,64）或一个范围（如 16:128）</translation>
    </message>
    <message>
        <source>give one value or a comma-separated list here</source>
        <translation>这里请填写一个值或用逗号分隔的一组值</translation>
    </message>
    <message>
        <source>{value}: a range is MIN:MAX, MIN:MAX:log or MIN:MAX:STEP</source>
        <translation>{value}：范围的写法是 MIN:MAX、MIN:MAX:log 或 MIN:MAX:STEP</translation>
    </message>
    <message>
        <source>give at least one value</source>
        <translation>请至少填写一个值</translation>
    </message>
    <message>
        <source>tick at least one</source>
        <translation>请至少勾选一项</translation>
    </message>
    <message>
        <source>{value} is not one of {choices}</source>
        <translation>{value} 不在可选值 {choices} 之中</translation>
    </message>
    <message>
        <source>must be greater than 0 (got {value})</source>
        <translation>必须大于 0（当前为 {value}）</translation>
    </message>
    <message>
        <source>must be at least {low} (got {value})</source>
        <translation>不能小于 {low}（当前为 {value}）</translation>
    </message>
    <message>
        <source>must be at most {high} (got {value})</source>
        <translation>不能大于 {high}（当前为 {value}）</translation>
    </message>
    <message>
        <source>must be from {low} to {high} (got {value})</source>
        <translation>必须在 {low} 到 {high} 之间（当前为 {value}）</translation>
    </message>
    <message>
        <source>choices must be a non-empty list</source>
        <translation>候选值必须是非空列表</translation>
    </message>
    <message>
        <source>choices contain duplicates</source>
        <translation>候选值中有重复</translation>
    </message>
    <message>
        <source>a range needs both &apos;min&apos; and &apos;max&apos;</source>
        <translation>范围需要同时给出 &apos;min&apos; 和 &apos;max&apos;</translation>
    </message>
    <message>
        <source>min ({low}) is greater than max ({high})</source>
        <translation>最小值（{low}）大于最大值（{high}）</translation>
    </message>
    <message>
        <source>a log range must start above 0</source>
        <translation>对数范围的起点必须大于 0</translation>
    </message>
    <message>
        <source>step must be greater than 0 (got {value})</source>
        <translation>步长必须大于 0（当前为 {value}）</translation>
    </message>
    <message>
        <source>{value} is not a duration</source>
        <translation>{value} 不是时长</translation>
    </message>
    <message>
        <source>{value} is not a duration: write 10m, 90s, 2h, 1h30m or none</source>
        <translation>{value} 不是时长：请写 10m、90s、2h、1h30m 或 none</translation>
    </message>
    <message>
        <source>transfer backbones need at least {size} px</source>
        <translation>迁移学习骨干网络至少需要 {size} px</translation>
    </message>
    <message>
        <source>must be at least 5 seconds (or 0 for no limit)</source>
        <translation>至少为 5 秒（或 0 表示不限制）</translation>
    </message>
    <message>
        <source>Hyperband needs at least 2 epochs</source>
        <translation>Hyperband 至少需要 2 轮</translation>
    </message>
    <message>
        <source>must be a fraction from 0 to below 1 (got {value})</source>
        <translation>必须是 0 到 1（不含 1）之间的比例（当前为 {value}）</translation>
    </message>
    <message>
        <source>a validation split is needed to score trials</source>
        <translation>需要验证集来评估试验</translation>
    </message>
    <message>
        <source>validation and test together leave too little to train on</source>
        <translation>验证集和测试集合起来太大，剩下的训练数据太少</translation>
    </message>
    <message>
        <source>must be from 0 to 1 (got {value})</source>
        <translation>必须在 0 到 1 之间（当前为 {value}）</translation>
    </message>
    <message>
        <source>weights file not found: {path}</source>
        <translation>找不到权重文件：{path}</translation>
    </message>
    <message>
        <source>folder not found: {path}</source>
        <translation>找不到文件夹：{path}</translation>
    </message>
    <message>
        <source>The time budget is spent.</source>
        <comment>search.budget_spent</comment>
        <translation>时间预算已用完。</translation>
    </message>
    <message>
        <source>The {remaining} s left are too short for another useful trial (about {need} s for {least} epochs and the model&apos;s set-up).</source>
        <comment>search.budget_too_short</comment>
        <translation>剩余的 {remaining} 秒不足以再运行一个有意义的试验（{least} 轮加上模型构建约需 {need} 秒）。</translation>
    </message>
    <message>
        <source>No better trial in the last {n} trials: the search has plateaued and ends early.</source>
        <comment>search.plateau</comment>
        <translation>最近 {n} 个试验没有更好的结果：搜索已进入平台期，提前结束。</translation>
    </message>
    <message>
        <source>Stopped by you. Finished trials are kept; resume to continue.</source>
        <comment>search.stopped_by_user</comment>
        <translation>已由你停止。已完成的试验都会保留；恢复即可继续。</translation>
    </message>
    <message>
        <source>All planned trials ran.</source>
        <comment>search.all_planned_ran</comment>
        <translation>计划的试验已全部运行完。</translation>
    </message>
    <message>
        <source>Time budget of {budget} reached. {detail}</source>
        <comment>search.budget_reached_because</comment>
        <translation>已达到 {budget} 的时间预算。{detail}</translation>
    </message>
    <message>
        <source>Time budget of {budget} reached.</source>
        <comment>search.budget_reached</comment>
        <translation>已达到 {budget} 的时间预算。</translation>
    </message>
    <message>
        <source>All 1 trial ran within the {budget} budget.</source>
        <comment>search.one_trial_ran_in_budget</comment>
        <translation>1 个试验已在 {budget} 的预算内全部运行完。</translation>
    </message>
    <message>
        <source>All {done} trials ran within the {budget} budget.</source>
        <comment>search.all_trials_ran_in_budget</comment>
        <translation>{done} 个试验已在 {budget} 的预算内全部运行完。</translation>
    </message>
    <message>
        <source>All 1 trial ran.</source>
        <comment>search.one_trial_ran</comment>
        <translation>1 个试验已全部运行完。</translation>
    </message>
    <message>
        <source>All {done} trials ran.</source>
        <comment>search.all_trials_ran</comment>
        <translation>{done} 个试验已全部运行完。</translation>
    </message>
    <message>
        <source>Mixed precision needs a GPU with fast float16 (compute capability 7.0 or later); training in float32.</source>
        <comment>search.mixed_needs_fp16_gpu</comment>
        <translation>混合精度需要支持快速 float16 的 GPU（计算能力 7.0 或更高）；以 float32 训练。</translation>
    </message>
    <message>
        <source>{count} training image(s) could not be read any more (moved, deleted or changed since the scan) and were left out.</source>
        <comment>search.training_images_unreadable</comment>
        <translation>{count} 张训练图像已无法读取（扫描后被移动、删除或修改），已排除。</translation>
    </message>
    <message>
        <source>{count} validation image(s) could not be read any more (moved, deleted or changed since the scan) and were left out.</source>
        <comment>search.validation_images_unreadable</comment>
        <translation>{count} 张验证图像已无法读取（扫描后被移动、删除或修改），已排除。</translation>
    </message>
    <message>
        <source>Trial {n} stopped after {epochs} epochs: clearly behind the best trial at the same epoch; its time goes to the next trial.</source>
        <comment>search.trial_pruned</comment>
        <translation>试验 {n} 在 {epochs} 轮后停止：在相同轮次明显落后于最佳试验；它的时间留给下一个试验。</translation>
    </message>
    <message>
        <source>Re-planned with the measured times ({done} trial(s) finished, {remaining} min left): this trial is the last one the budget holds.</source>
        <comment>search.replan_last</comment>
        <translation>已按实测时间重新规划（已完成 {done} 次试验，剩余 {remaining} 分钟）：这是预算能容纳的最后一次试验。</translation>
    </message>
    <message>
        <source>Re-planned with the measured times ({done} trial(s) finished, {remaining} min left): about {n} more trial(s) of up to {epochs} epochs after this one.</source>
        <comment>search.replan_more</comment>
        <translation>已按实测时间重新规划（已完成 {done} 次试验，剩余 {remaining} 分钟）：本次之后还约有 {n} 次试验，每次最多 {epochs} 个轮次。</translation>
    </message>
</context>
<context>
    <name>CurvesHeader</name>
    <message>
        <source>No search running.</source>
        <translation>没有正在运行的搜索。</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Batches done in the running epoch</source>
        <translation>当前轮次已完成的批次</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>特征</translation>
    </message>
    <message>
        <source>Head trials</source>
        <translation>分类头试验</translation>
    </message>
    <message>
        <source>Fine-tuning</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>Features: the pretrained network reads each image once ({done} of {total})</source>
        <translation>特征：预训练网络逐张读取每张图片一次（{done} / {total}）</translation>
    </message>
    <message>
        <source>%v/%m images</source>
        <translation>%v/%m 张图片</translation>
    </message>
    <message>
        <source>Trial {n}{total} running</source>
        <translation>试验 {n}{total} 运行中</translation>
    </message>
    <message>
        <source>epoch {e}</source>
        <translation>第 {e} 轮</translation>
    </message>
    <message>
        <source>batch loss {loss}</source>
        <translation>批次损失 {loss}</translation>
    </message>
    <message>
        <source>batch %v/%m</source>
        <translation>批次 %v/%m</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>正在启动</translation>
    </message>
    <message>
        <source>showing {trial}</source>
        <translation>显示 {trial}</translation>
    </message>
</context>
<context>
    <name>CurvesPanel</name>
    <message>
        <source>trial {n}</source>
        <translation>试验 {n}</translation>
    </message>
    <message>
        <source>No search running.</source>
        <translation>没有正在运行的搜索。</translation>
    </message>
    <message>
        <source>Training curves</source>
        <translation>训练曲线</translation>
    </message>
    <message>
        <source>Loss and accuracy per epoch of the shown trial, and every trial&apos;s objective</source>
        <translation>所显示试验每轮的损失和准确率，以及每个试验的目标值</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>other trials</source>
        <translation>其他试验</translation>
    </message>
    <message>
        <source>best</source>
        <translation>最佳</translation>
    </message>
    <message>
        <source>shown</source>
        <translation>当前显示</translation>
    </message>
    <message>
        <source>{count} stored trial(s)</source>
        <translation>已保存 {count} 个试验</translation>
    </message>
    <message>
        <source>No stored trials.</source>
        <translation>没有已保存的试验。</translation>
    </message>
    <message>
        <source>Search started</source>
        <translation>搜索已开始</translation>
    </message>
    <message>
        <source>Search completed</source>
        <translation>搜索已完成</translation>
    </message>
    <message>
        <source>Search cancelled</source>
        <translation>搜索已取消</translation>
    </message>
    <message>
        <source>Search failed</source>
        <translation>搜索失败</translation>
    </message>
    <message>
        <source>Search ended</source>
        <translation>搜索已结束</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>best: {trial} ({score})</source>
        <translation>最佳：{trial}（{score}）</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>lower is better</source>
        <translation>越低越好</translation>
    </message>
    <message>
        <source>higher is better</source>
        <translation>越高越好</translation>
    </message>
    <message>
        <source>All trials — {objective} ({direction})</source>
        <translation>所有试验 — {objective}（{direction}）</translation>
    </message>
    <message>
        <source>about {clock} left</source>
        <translation>约剩 {clock}</translation>
    </message>
    <message>
        <source>best {trial}: {objective} {score}</source>
        <translation>最佳 {trial}：{objective} {score}</translation>
    </message>
    <message>
        <source>showing {trial} ({status})</source>
        <translation>显示 {trial}（{status}）</translation>
    </message>
    <message>
        <source> (best)</source>
        <translation>（最佳）</translation>
    </message>
    <message>
        <source>{trial}{best}: {objective} {score}
click to select</source>
        <translation>{trial}{best}：{objective} {score}
点击以选中</translation>
    </message>
</context>
<context>
    <name>DatasetPanel</name>
    <message>
        <source>Image folder with one subfolder per class (or train/ and val/)</source>
        <translation>图像文件夹，每个类别一个子文件夹（或 train/ 和 val/）</translation>
    </message>
    <message>
        <source>Dataset folder</source>
        <translation>数据集文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose an image folder (Ctrl+O)</source>
        <translation>选择图像文件夹（Ctrl+O）</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近</translation>
    </message>
    <message>
        <source>Recently used folders and the bundled sample data</source>
        <translation>最近使用的文件夹和自带的示例数据</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>No folder chosen yet.</source>
        <translation>尚未选择文件夹。</translation>
    </message>
    <message>
        <source>&lt;p style=&apos;font-size:15pt&apos;&gt;Which images should the model learn?&lt;/p&gt;&lt;p&gt;Choose a folder with one subfolder per class, for example&lt;br&gt;&lt;code&gt;flowers/daisy/*.jpg&lt;/code&gt;, &lt;code&gt;flowers/roses/*.jpg&lt;/code&gt;, …&lt;/p&gt;&lt;p&gt;Type its path above and press Enter, use &lt;b&gt;Browse…&lt;/b&gt;, drop the folder here,&lt;br&gt;or pick the bundled sample data from &lt;b&gt;Recent&lt;/b&gt;.&lt;/p&gt;</source>
        <translation>&lt;p style=&apos;font-size:15pt&apos;&gt;模型要学习哪些图像？&lt;/p&gt;&lt;p&gt;请选择每个类别各有一个子文件夹的文件夹，例如&lt;br&gt;&lt;code&gt;flowers/daisy/*.jpg&lt;/code&gt;、&lt;code&gt;flowers/roses/*.jpg&lt;/code&gt;……&lt;/p&gt;&lt;p&gt;在上方输入路径并按回车，点击&lt;b&gt;浏览…&lt;/b&gt;，把文件夹拖到这里，&lt;br&gt;或在&lt;b&gt;最近&lt;/b&gt;中选择自带的示例数据。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Choose an image folder</source>
        <translation>选择图像文件夹</translation>
    </message>
    <message>
        <source>Sample data: 5 kinds of flowers</source>
        <translation>示例数据：5 种花</translation>
    </message>
    <message>
        <source>Scanning {folder} …</source>
        <translation>正在扫描 {folder} …</translation>
    </message>
    <message>
        <source>Scanning {strip} … {done:,} of {total:,} files</source>
        <translation>正在扫描 {strip} … 已完成 {done:,}/{total:,} 个文件</translation>
    </message>
    <message>
        <source>Cannot use this folder: {message}</source>
        <translation>无法使用此文件夹：{message}</translation>
    </message>
    <message>
        <source>
… and {more} more (see Warnings)</source>
        <translation>
… 另有 {more} 条（见“警告”）</translation>
    </message>
    <message>
        <source>&lt;b&gt;1 class&lt;/b&gt;</source>
        <translation>&lt;b&gt;1 个类别&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;{count} classes&lt;/b&gt;</source>
        <translation>&lt;b&gt;{count} 个类别&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;1 image&lt;/b&gt;</source>
        <translation>&lt;b&gt;1 张图像&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;{count} images&lt;/b&gt;</source>
        <translation>&lt;b&gt;{count} 张图像&lt;/b&gt;</translation>
    </message>
    <message>
        <source>your own train/val split</source>
        <translation>使用你自己的训练/验证划分</translation>
    </message>
    <message>
        <source>{w0}×{h0} to {w1}×{h1} px</source>
        <translation>{w0}×{h0} 到 {w1}×{h1} px</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#b00020&apos;&gt;{count} unusable file(s)&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b00020&apos;&gt;{count} 个不可用文件&lt;/span&gt;</translation>
    </message>
</context>
<context>
    <name>DeviceLine</name>
    <message>
        <source>Device: unknown</source>
        <translation>设备：未知</translation>
    </message>
    <message>
        <source>Device: {device}</source>
        <translation>设备：{device}</translation>
    </message>
</context>
<context>
    <name>DistillPanel</name>
    <message>
        <source>Best trial</source>
        <translation>最佳试验</translation>
    </message>
    <message>
        <source>best</source>
        <translation>最佳</translation>
    </message>
    <message>
        <source>ensemble:{k}</source>
        <translation>ensemble:{k}</translation>
    </message>
    <message>
        <source>Ensemble of the best {k}</source>
        <translation>最佳 {k} 个试验的集成</translation>
    </message>
    <message>
        <source>Trial {trial}</source>
        <translation>试验 {trial}</translation>
    </message>
    <message>
        <source>optional: a new folder for the student&apos;s export</source>
        <translation>可选：用于导出学生模型的新文件夹</translation>
    </message>
    <message>
        <source>Teacher:</source>
        <translation>教师模型：</translation>
    </message>
    <message>
        <source>Student (architecture · width · depth):</source>
        <translation>学生模型（架构 · 宽度 · 深度）：</translation>
    </message>
    <message>
        <source>Temperature · alpha (hard labels) · epochs:</source>
        <translation>温度 · alpha（硬标签权重）· 轮数：</translation>
    </message>
    <message>
        <source>Export the student to:</source>
        <translation>学生模型导出到：</translation>
    </message>
    <message>
        <source>Distil</source>
        <translation>蒸馏</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>student, training</source>
        <translation>学生模型，训练</translation>
    </message>
    <message>
        <source>student, validation</source>
        <translation>学生模型，验证</translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation>教师模型</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>学生模型</translation>
    </message>
    <message>
        <source>Export Student…</source>
        <translation>导出学生模型…</translation>
    </message>
    <message>
        <source>Export the student to</source>
        <translation>学生模型导出到</translation>
    </message>
    <message>
        <source>Student exported to {path} (self-check {verdict}).</source>
        <translation>学生模型已导出到 {path}（自检{verdict}）。</translation>
    </message>
    <message>
        <source>Student saved in {folder}</source>
        <translation>学生模型已保存在 {folder}</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation>磁盘大小</translation>
    </message>
    <message>
        <source>ms per image</source>
        <translation>每张图像毫秒数</translation>
    </message>
    <message>
        <source>Validation accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>Test accuracy</source>
        <translation>测试准确率</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>EnsemblePanel</name>
    <message>
        <source>a new or empty folder</source>
        <translation>新的或空的文件夹</translation>
    </message>
    <message>
        <source>Members (best k trials):</source>
        <translation>成员（最佳 k 个试验）：</translation>
    </message>
    <message>
        <source>Export to:</source>
        <translation>导出到：</translation>
    </message>
    <message>
        <source>Build Ensemble</source>
        <translation>构建集成模型</translation>
    </message>
    <message>
        <source>Export the ensemble to</source>
        <translation>集成模型导出到</translation>
    </message>
    <message>
        <source>Choose the folder to export the ensemble to.</source>
        <translation>请选择集成模型的导出文件夹。</translation>
    </message>
    <message>
        <source>Ensemble of trials {members}: validation accuracy {accuracy} (best single trial {best}).</source>
        <translation>试验 {members} 的集成：验证准确率 {accuracy}（最佳单个试验 {best}）。</translation>
    </message>
    <message>
        <source>Test accuracy {accuracy} (best single trial {best}).</source>
        <translation>测试准确率 {accuracy}（最佳单个试验 {best}）。</translation>
    </message>
    <message>
        <source>Exported to {path}.</source>
        <translation>已导出到 {path}。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>SavedModel (TensorFlow, TF Serving)</source>
        <translation>SavedModel（TensorFlow、TF Serving）</translation>
    </message>
    <message>
        <source>TensorFlow Lite, float32</source>
        <translation>TensorFlow Lite，float32</translation>
    </message>
    <message>
        <source>TensorFlow Lite, float16 (half the size)</source>
        <translation>TensorFlow Lite，float16（体积减半）</translation>
    </message>
    <message>
        <source>TensorFlow Lite, int8 (quarter size, calibrated on your training images)</source>
        <translation>TensorFlow Lite，int8（体积为四分之一，用你的训练图像校准）</translation>
    </message>
    <message>
        <source>ONNX (checked with ONNX Runtime)</source>
        <translation>ONNX（用 ONNX Runtime 检验）</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Val. accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>Agreement</source>
        <translation>一致率</translation>
    </message>
    <message>
        <source>Max |Δp|</source>
        <translation>最大 |Δp|</translation>
    </message>
    <message>
        <source>ms / image</source>
        <translation>毫秒/张</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检验</translation>
    </message>
    <message>
        <source>Export model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>trial {n}</source>
        <translation>试验 {n}</translation>
    </message>
    <message>
        <source>the final model</source>
        <translation>最终模型</translation>
    </message>
    <message>
        <source>Export {which} to &lt;b&gt;{out_dir}&lt;/b&gt;. Each file is loaded in its own runtime and scored on every validation image against the trained model.</source>
        <translation>将{which}导出到 &lt;b&gt;{out_dir}&lt;/b&gt;。每个文件都会在其自己的运行时中加载，并在全部验证图像上与训练好的模型对比评分。</translation>
    </message>
    <message>
        <source>writes {file}</source>
        <translation>写入 {file}</translation>
    </message>
    <message>
        <source>Choose the formats, then Export.</source>
        <translation>选择格式，然后点击“导出”。</translation>
    </message>
    <message>
        <source>Agreement: share of validation images given the trained model&apos;s class. Needed: </source>
        <translation>一致率：与训练好的模型给出相同类别的验证图像比例。要求：</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation>取消导出</translation>
    </message>
    <message>
        <source>Starting the export process…</source>
        <translation>正在启动导出进程…</translation>
    </message>
    <message>
        <source>Stopping the export…</source>
        <translation>正在停止导出…</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{color}&apos;&gt;✘ {formats} disagreed with the trained model beyond the tolerance&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:{color}&apos;&gt;✘ {formats} 与训练好的模型的差异超出容差&lt;/span&gt;</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{color}&apos;&gt;✔ every file passed its check&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:{color}&apos;&gt;✔ 每个文件都通过了检验&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Exported to {path}. {verdict}</source>
        <translation>已导出到 {path}。{verdict}</translation>
    </message>
    <message>
        <source>Export stopped; nothing was written.</source>
        <translation>导出已停止；没有写入任何文件。</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{name}&apos;&gt;Export failed: {error}&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:{name}&apos;&gt;导出失败：{error}&lt;/span&gt;</translation>
    </message>
    <message>
        <source>✔ passed</source>
        <translation>✔ 通过</translation>
    </message>
    <message>
        <source>✘ failed</source>
        <translation>✘ 未通过</translation>
    </message>
    <message>
        <source>needs agreement ≥ {min_agreement}</source>
        <translation>要求一致率 ≥ {min_agreement}</translation>
    </message>
    <message>
        <source> and max |Δp| ≤ {max_diff}</source>
        <translation>，且最大 |Δp| ≤ {max_diff}</translation>
    </message>
</context>
<context>
    <name>FolderField</name>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
</context>
<context>
    <name>FolderPredictionDialog</name>
    <message>
        <source>Predict Folder</source>
        <translation>预测文件夹</translation>
    </message>
    <message>
        <source>Predicting every image under {folder}</source>
        <translation>正在预测 {folder} 下的所有图片</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Save CSV…</source>
        <translation>保存 CSV…</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>Top classes</source>
        <translation>最可能的类别</translation>
    </message>
    <message>
        <source>True class / problem</source>
        <translation>真实类别 / 问题</translation>
    </message>
    <message>
        <source>Stopping after the current batch…</source>
        <translation>当前批次完成后停止…</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>{predicted} of {images} image(s) predicted, {bad} unreadable{stopped}.</source>
        <translation>已预测 {images} 张中的 {predicted} 张，{bad} 张无法读取{stopped}。</translation>
    </message>
    <message>
        <source> (stopped)</source>
        <translation>（已停止）</translation>
    </message>
    <message>
        <source>Accuracy {accuracy:.1%} on {n} image(s) in class folders; answered {coverage:.0%} at the threshold.</source>
        <translation>类别文件夹中 {n} 张图片的准确率为 {accuracy:.1%}；在该阈值下回答了 {coverage:.0%}。</translation>
    </message>
    <message>
        <source>Confusion (rows: true class, columns: decision):</source>
        <translation>混淆矩阵（行：真实类别，列：判定）：</translation>
    </message>
    <message>
        <source>Done: {folder}</source>
        <translation>完成：{folder}</translation>
    </message>
    <message>
        <source>Prediction failed: {message}</source>
        <translation>预测失败：{message}</translation>
    </message>
    <message>
        <source>Save the predictions</source>
        <translation>保存预测结果</translation>
    </message>
</context>
<context>
    <name>HistoryActions</name>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Re-run…</source>
        <translation>重新运行…</translation>
    </message>
    <message>
        <source>Load this search&apos;s options to edit and start again</source>
        <translation>载入此搜索的选项，修改后重新开始</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue a stopped or interrupted search where it left off</source>
        <translation>从中断处继续已停止或中断的搜索</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Notes…</source>
        <translation>备注…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Save the trials of the selected searches as a table</source>
        <translation>把所选搜索的试验保存为表格</translation>
    </message>
    <message>
        <source>keep best </source>
        <translation>保留最佳 </translation>
    </message>
    <message>
        <source>How many trials keep their checkpoint when pruning</source>
        <translation>清理时保留检查点的试验数</translation>
    </message>
    <message>
        <source>after each search</source>
        <translation>每次搜索后</translation>
    </message>
    <message>
        <source>When a search completes, keep only the checkpoints of its best trials</source>
        <translation>搜索完成后，只保留最佳试验的检查点</translation>
    </message>
    <message>
        <source>Prune checkpoints…</source>
        <translation>清理检查点…</translation>
    </message>
    <message>
        <source>Delete the weights of all but the best trials to free disk space</source>
        <translation>删除最佳试验以外的权重，释放磁盘空间</translation>
    </message>
    <message>
        <source>TensorBoard</source>
        <translation>TensorBoard</translation>
    </message>
    <message>
        <source>Start TensorBoard on 127.0.0.1 for this search and open it</source>
        <translation>为此搜索在 127.0.0.1 上启动 TensorBoard 并打开</translation>
    </message>
    <message>
        <source>Open	Enter</source>
        <translation>打开	Enter</translation>
    </message>
    <message>
        <source>Rename…	F2</source>
        <translation>重命名…	F2</translation>
    </message>
    <message>
        <source>Delete…	Del</source>
        <translation>删除…	Del</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>The history database cannot be opened: {error}</source>
        <translation>无法打开历史数据库：{error}</translation>
    </message>
    <message>
        <source>Select a search first.</source>
        <translation>请先选择一个搜索。</translation>
    </message>
    <message>
        <source>Re-run</source>
        <translation>重新运行</translation>
    </message>
    <message>
        <source>This search has no stored options to re-run.</source>
        <translation>此搜索没有可用于重新运行的已保存选项。</translation>
    </message>
    <message>
        <source>Only a stopped or interrupted search whose folder still exists can be resumed.</source>
        <translation>只有文件夹仍存在的已停止或中断的搜索才能继续。</translation>
    </message>
    <message>
        <source>Rename search</source>
        <translation>重命名搜索</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Notes for {name}:</source>
        <translation>{name} 的备注：</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>That search is still running; stop it first.</source>
        <translation>该搜索仍在运行；请先停止它。</translation>
    </message>
    <message>
        <source>Delete {count} search(es) and their files ({size})?</source>
        <translation>删除 {count} 个搜索及其文件（{size}）？</translation>
    </message>
    <message>
        <source>Checkpoints, logs and the record of every trial are removed. This cannot be undone.</source>
        <translation>检查点、日志和每个试验的记录都将被删除。此操作无法撤销。</translation>
    </message>
    <message>
        <source>Delete searches</source>
        <translation>删除搜索</translation>
    </message>
    <message>
        <source>Remove the search from the history and keep its folder?</source>
        <translation>从历史记录中移除该搜索并保留其文件夹？</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <source>Select one or more searches first.</source>
        <translation>请先选择一个或多个搜索。</translation>
    </message>
    <message>
        <source>Export trials as CSV</source>
        <translation>将试验导出为 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Cannot write {path}: {error}</source>
        <translation>无法写入 {path}：{error}</translation>
    </message>
    <message>
        <source>Keep the checkpoints of the best {count} trial(s) of “{name}” and delete the others&apos; weights?</source>
        <translation>保留“{name}”中最佳 {count} 个试验的检查点，并删除其他试验的权重？</translation>
    </message>
    <message>
        <source>This search has not completed: a Hyperband search continues from these checkpoints when resumed.</source>
        <translation>此搜索尚未完成：Hyperband 搜索继续时会从这些检查点接着训练。</translation>
    </message>
    <message>
        <source>Prune checkpoints</source>
        <translation>清理检查点</translation>
    </message>
    <message>
        <source>Removed {count} checkpoint(s), freed {size}.</source>
        <translation>已删除 {count} 个检查点，释放 {size}。</translation>
    </message>
    <message>
        <source>The folder of this search no longer exists.</source>
        <translation>此搜索的文件夹已不存在。</translation>
    </message>
    <message>
        <source>Starting TensorBoard…</source>
        <translation>正在启动 TensorBoard…</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <source>Trials</source>
        <translation>试验</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Score vs hyperparameters</source>
        <translation>得分与超参数</translation>
    </message>
    <message>
        <source>The history database cannot be opened: {error}</source>
        <translation>无法打开历史数据库：{error}</translation>
    </message>
    <message>
        <source>Cannot read the history</source>
        <translation>无法读取历史记录</translation>
    </message>
    <message>
        <source>Cannot open the search</source>
        <translation>无法打开该搜索</translation>
    </message>
    <message>
        <source>Compare trials</source>
        <translation>比较试验</translation>
    </message>
    <message>
        <source>Tick at least two trials to compare.</source>
        <translation>请至少勾选两个试验进行比较。</translation>
    </message>
</context>
<context>
    <name>Hyperparameters</name>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>depth</source>
        <translation>深度</translation>
    </message>
    <message>
        <source>dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>batch norm</source>
        <translation>批归一化</translation>
    </message>
    <message>
        <source>dense units</source>
        <translation>全连接单元数</translation>
    </message>
    <message>
        <source>initializer</source>
        <translation>初始化方法</translation>
    </message>
    <message>
        <source>L1</source>
        <translation>L1 正则化</translation>
    </message>
    <message>
        <source>L2</source>
        <translation>L2 正则化</translation>
    </message>
    <message>
        <source>augmentation</source>
        <translation>数据增强</translation>
    </message>
    <message>
        <source>momentum</source>
        <translation>动量</translation>
    </message>
    <message>
        <source>Nesterov</source>
        <translation>Nesterov 动量</translation>
    </message>
    <message>
        <source>schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>warm-up fraction</source>
        <translation>预热比例</translation>
    </message>
    <message>
        <source>weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <source>label smoothing</source>
        <translation>标签平滑</translation>
    </message>
    <message>
        <source>clipping threshold</source>
        <translation>裁剪阈值</translation>
    </message>
    <message>
        <source>gradient clipping</source>
        <translation>梯度裁剪</translation>
    </message>
    <message>
        <source>image size</source>
        <translation>图像尺寸</translation>
    </message>
    <message>
        <source>fine-tune</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>head units</source>
        <translation>分类头单元数</translation>
    </message>
    <message>
        <source>class weights</source>
        <translation>类别权重</translation>
    </message>
    <message>
        <source>head trial</source>
        <translation>分类头试验</translation>
    </message>
    <message>
        <source>unfrozen share</source>
        <translation>解冻比例</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>轮数</translation>
    </message>
</context>
<context>
    <name>KFoldPanel</name>
    <message>
        <source>Trial {trial}</source>
        <translation>试验 {trial}</translation>
    </message>
    <message>
        <source>Configuration of:</source>
        <translation>配置来源：</translation>
    </message>
    <message>
        <source>Folds:</source>
        <translation>折数：</translation>
    </message>
    <message>
        <source>Cross-validate</source>
        <translation>交叉验证</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>held-out objective</source>
        <translation>留出集目标值</translation>
    </message>
    <message>
        <source>This search has no completed trial.</source>
        <translation>此搜索没有已完成的试验。</translation>
    </message>
    <message>
        <source>{objective} over {k} folds: {mean:.4f} ± {std:.4f} (folds: {scores})</source>
        <translation>{objective} 在 {k} 折上：{mean:.4f} ± {std:.4f}（各折：{scores}）</translation>
    </message>
</context>
<context>
    <name>LRFinderPanel</name>
    <message>
        <source>Architecture:</source>
        <translation>架构：</translation>
    </message>
    <message>
        <source>Image size · steps · batch:</source>
        <translation>图像尺寸 · 步数 · 批大小：</translation>
    </message>
    <message>
        <source>Find Learning Rate</source>
        <translation>查找学习率</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>loss (smoothed)</source>
        <translation>损失（平滑）</translation>
    </message>
    <message>
        <source>Apply Range to the Search</source>
        <translation>将范围应用到搜索</translation>
    </message>
    <message>
        <source>Suggested learning rate: {low:.2e} to {high:.2e} (where the loss falls fastest, before its minimum).</source>
        <translation>建议的学习率：{low:.2e} 到 {high:.2e}（损失下降最快处，在其最小值之前）。</translation>
    </message>
    <message>
        <source>The search&apos;s learning rate is now {low:.2e} to {high:.2e} (log scale).</source>
        <translation>搜索的学习率现在为 {low:.2e} 到 {high:.2e}（对数刻度）。</translation>
    </message>
</context>
<context>
    <name>LazyPage</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>TuneStudio</source>
        <translation>TuneStudio</translation>
    </message>
    <message>
        <source>2 · Training</source>
        <translation>2 · 训练</translation>
    </message>
    <message>
        <source>3 · Results</source>
        <translation>3 · 结果</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Stopping after the current batch… (the search can be resumed)</source>
        <translation>当前批次结束后停止…（搜索可以继续）</translation>
    </message>
    <message>
        <source>Scanning the folder first; the search starts when the scan is done…</source>
        <translation>先扫描文件夹；扫描完成后开始搜索…</translation>
    </message>
    <message>
        <source>Choose an image folder first (File ▸ Open Folder, or type its path and press Enter).</source>
        <translation>请先选择图像文件夹（文件 ▸ 打开文件夹，或输入路径后按回车）。</translation>
    </message>
    <message>
        <source>There is no unfinished search to resume.</source>
        <translation>没有可继续的未完成搜索。</translation>
    </message>
    <message>
        <source>Cannot resume</source>
        <translation>无法继续</translation>
    </message>
    <message>
        <source>Resuming the search ({architecture}, {tuner})…</source>
        <translation>正在继续搜索（{architecture}，{tuner}）…</translation>
    </message>
    <message>
        <source>Starting the search ({architecture}, {tuner})…</source>
        <translation>正在开始搜索（{architecture}，{tuner}）…</translation>
    </message>
    <message>
        <source>Cannot load that search&apos;s options</source>
        <translation>无法载入该搜索的选项</translation>
    </message>
    <message>
        <source>Loaded that search&apos;s options: change what you like, then press Start.</source>
        <translation>已载入该搜索的选项：按需修改，然后点击“开始”。</translation>
    </message>
    <message>
        <source>A search is running: stop it before resuming another.</source>
        <translation>有搜索正在运行：请先停止它再继续另一个。</translation>
    </message>
    <message>
        <source>An unfinished search ({name}) can be resumed: press Resume.</source>
        <translation>有一个未完成的搜索（{name}）可以继续：请点击“继续”。</translation>
    </message>
    <message>
        <source>Display problem</source>
        <translation>显示问题</translation>
    </message>
    <message>
        <source>{objectname} could not show an update: {message}</source>
        <translation>{objectname} 无法显示更新：{message}</translation>
    </message>
    <message>
        <source>The search stopped with an error</source>
        <translation>搜索因错误而停止</translation>
    </message>
    <message>
        <source>Search finished in {duration}.{reason} {best_text}</source>
        <translation>搜索在 {duration} 内完成。{reason} {best_text}</translation>
    </message>
    <message>
        <source>Search stopped.{reason} Resume (Ctrl+Shift+R) continues where it left off.</source>
        <translation>搜索已停止。{reason} “继续”（Ctrl+Shift+R）会从中断处接着运行。</translation>
    </message>
    <message>
        <source>Search failed: {error}</source>
        <translation>搜索失败：{error}</translation>
    </message>
    <message>
        <source>The search failed</source>
        <translation>搜索失败</translation>
    </message>
    <message>
        <source>{error}

The trials finished so far are kept; you can resume the search.</source>
        <translation>{error}

已完成的试验都会保留；你可以继续该搜索。</translation>
    </message>
    <message>
        <source>Cannot start: {count} option(s) need fixing (marked in red).</source>
        <translation>无法开始：有 {count} 个选项需要修正（已标红）。</translation>
    </message>
    <message>
        <source>No trial completed.</source>
        <translation>没有完成的试验。</translation>
    </message>
    <message>
        <source>Best {objective}: {score}.</source>
        <translation>最佳 {objective}：{score}。</translation>
    </message>
    <message>
        <source>{name} – TuneStudio</source>
        <translation>{name} – TuneStudio</translation>
    </message>
    <message>
        <source>Scanned {root}: {images_count} images in {usable_classes_count} classes. Press Start (Ctrl+R) to search.</source>
        <translation>已扫描 {root}：{usable_classes_count} 个类别共 {images_count} 张图像。点击“开始”（Ctrl+R）开始搜索。</translation>
    </message>
    <message>
        <source>Cannot use that folder: {message}</source>
        <translation>无法使用该文件夹：{message}</translation>
    </message>
    <message>
        <source>Stop the search?</source>
        <translation>停止搜索？</translation>
    </message>
    <message>
        <source>A search is running. Stop it and quit? You can resume it later.</source>
        <translation>有搜索正在运行。停止并退出？之后可以继续。</translation>
    </message>
    <message>
        <source>Stopping the search, then closing…</source>
        <translation>正在停止搜索，然后关闭…</translation>
    </message>
</context>
<context>
    <name>MisclassifiedGallery</name>
    <message>
        <source>Most confident first</source>
        <translation>置信度从高到低</translation>
    </message>
    <message>
        <source>Least confident first</source>
        <translation>置信度从低到高</translation>
    </message>
    <message>
        <source>All mistakes</source>
        <translation>全部错误</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Class:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Order:</source>
        <translation>排序：</translation>
    </message>
    <message>
        <source>Rows: true class · columns: predicted class. Click a cell to see its images.</source>
        <translation>行：真实类别 · 列：预测类别。点击单元格查看其图像。</translation>
    </message>
    <message>
        <source>{count} validation image(s)</source>
        <translation>{count} 张验证图像</translation>
    </message>
    <message>
        <source> · accuracy {accuracy:.1%}</source>
        <translation> · 准确率 {accuracy:.1%}</translation>
    </message>
    <message>
        <source>All classes</source>
        <translation>所有类别</translation>
    </message>
    <message>
        <source>{file}
true: {true_name} · predicted: {predicted_name} ({confidence:.1%}) · p(true) {true_probability:.1%}</source>
        <translation>{file}
真实：{true_name} · 预测：{predicted_name}（{confidence:.1%}）· p(真实) {true_probability:.1%}</translation>
    </message>
    <message>
        <source>images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>misclassified images</source>
        <translation>分类错误的图像</translation>
    </message>
</context>
<context>
    <name>MislabelPanel</name>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Given</source>
        <translation>当前标签</translation>
    </message>
    <message>
        <source>Suggested</source>
        <translation>建议标签</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>划分</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Top trials only (fast)</source>
        <translation>仅最佳试验（快）</translation>
    </message>
    <message>
        <source>Out-of-fold, {k} folds</source>
        <translation>折外预测，{k} 折</translation>
    </message>
    <message>
        <source>Trials that vote:</source>
        <translation>参与投票的试验：</translation>
    </message>
    <message>
        <source>Training images:</source>
        <translation>训练图像：</translation>
    </message>
    <message>
        <source>Find Suspects</source>
        <translation>查找可疑样本</translation>
    </message>
    <message>
        <source>Move to Suggested Class</source>
        <translation>移到建议的类别</translation>
    </message>
    <message>
        <source>Move to:</source>
        <translation>移到：</translation>
    </message>
    <message>
        <source>Exclude</source>
        <translation>排除</translation>
    </message>
    <message>
        <source>Move out of the dataset, into the .excluded folder beside it</source>
        <translation>移出数据集，放入旁边的 .excluded 文件夹</translation>
    </message>
    <message>
        <source>Undo Last Move</source>
        <translation>撤销上次移动</translation>
    </message>
    <message>
        <source>{count} suspect(s) among {val} validation and {train} training images, scored by {method}.</source>
        <translation>在 {val} 张验证图像和 {train} 张训练图像中找到 {count} 个可疑样本，评分方式：{method}。</translation>
    </message>
    <message>
        <source>Nothing moved: {error}</source>
        <translation>没有移动任何文件：{error}</translation>
    </message>
    <message>
        <source>Moved {count} file(s); logged in {log}.</source>
        <translation>已移动 {count} 个文件；记录在 {log}。</translation>
    </message>
    <message>
        <source>Cannot undo: {error}</source>
        <translation>无法撤销：{error}</translation>
    </message>
    <message>
        <source>Put back {count} file(s).</source>
        <translation>已放回 {count} 个文件。</translation>
    </message>
    <message>
        <source>excluded</source>
        <translation>已排除</translation>
    </message>
</context>
<context>
    <name>Options</name>
    <message>
        <source>Hyperband factor</source>
        <translation>Hyperband 因子</translation>
    </message>
    <message>
        <source>Try with and without</source>
        <translation>开关都试</translation>
    </message>
    <message>
        <source>Always</source>
        <translation>始终</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>MLP (flatten + dense stack)</source>
        <translation>MLP（展平 + 全连接层堆叠）</translation>
    </message>
    <message>
        <source>Simple CNN (conv-pool blocks)</source>
        <translation>简单 CNN（卷积-池化块）</translation>
    </message>
    <message>
        <source>VGG-style blocks</source>
        <translation>VGG 风格的卷积块</translation>
    </message>
    <message>
        <source>ResNet-style residual blocks</source>
        <translation>ResNet 风格的残差块</translation>
    </message>
    <message>
        <source>Transfer: MobileNetV2</source>
        <translation>迁移学习：MobileNetV2</translation>
    </message>
    <message>
        <source>Transfer: EfficientNetB0</source>
        <translation>迁移学习：EfficientNetB0</translation>
    </message>
    <message>
        <source>Transfer: ResNet50</source>
        <translation>迁移学习：ResNet50</translation>
    </message>
    <message>
        <source>Random search</source>
        <translation>随机搜索</translation>
    </message>
    <message>
        <source>Grid search</source>
        <translation>网格搜索</translation>
    </message>
    <message>
        <source>Hyperband</source>
        <translation>Hyperband</translation>
    </message>
    <message>
        <source>Bayesian optimization</source>
        <translation>贝叶斯优化</translation>
    </message>
    <message>
        <source>Constant</source>
        <translation>恒定</translation>
    </message>
    <message>
        <source>Exponential</source>
        <translation>指数衰减</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>余弦</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Regularization</source>
        <translation>正则化</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>The kind of network to build and tune</source>
        <translation>要构建并调优的网络类型</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Image size</source>
        <translation>图像尺寸</translation>
    </message>
    <message>
        <source>Images are resized to this square size. Auto: small images keep their size; photos get 64-128 px as the time budget allows</source>
        <translation>图像会缩放为此边长的正方形。自动：小图保持原尺寸；照片按时间预算取 64-128 px</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>Filters (CNNs) or units (MLP) in the first block: one value, a list to try (32,64) or a range (16:128)</source>
        <translation>第一个块的卷积核数（CNN）或神经元数（MLP）：一个值、一组候选值（32,64）或一个范围（16:128）</translation>
    </message>
    <message>
        <source>e.g. 32, 64</source>
        <translation>例如 32, 64</translation>
    </message>
    <message>
        <source>Depth</source>
        <translation>深度</translation>
    </message>
    <message>
        <source>Number of blocks or layers, from min to max</source>
        <translation>块或层的数量，从最小到最大</translation>
    </message>
    <message>
        <source>Dense units</source>
        <translation>全连接单元数</translation>
    </message>
    <message>
        <source>Units of the dense layer before the classifier</source>
        <translation>分类器之前全连接层的单元数</translation>
    </message>
    <message>
        <source>e.g. 128</source>
        <translation>例如 128</translation>
    </message>
    <message>
        <source>Initializer</source>
        <translation>初始化方法</translation>
    </message>
    <message>
        <source>Weight initializers to try</source>
        <translation>要尝试的权重初始化方法</translation>
    </message>
    <message>
        <source>Backbone weights</source>
        <translation>骨干网络权重</translation>
    </message>
    <message>
        <source>Starting weights of a transfer backbone</source>
        <translation>迁移学习骨干网络的初始权重</translation>
    </message>
    <message>
        <source>Transfer learning</source>
        <translation>迁移学习</translation>
    </message>
    <message>
        <source>Random (train from scratch)</source>
        <translation>随机（从头训练）</translation>
    </message>
    <message>
        <source>Also train the backbone&apos;s own weights (slower)</source>
        <translation>同时训练骨干网络自身的权重（较慢）</translation>
    </message>
    <message>
        <source>Fine-tune the backbone</source>
        <translation>微调骨干网络</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>Dropout rate range (0 to 0.95)</source>
        <translation>Dropout 比例范围（0 到 0.95）</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>L1</source>
        <translation>L1 正则化</translation>
    </message>
    <message>
        <source>L1 weight penalty: one value, a list or a range</source>
        <translation>L1 正则化系数：一个值、一组值或一个范围</translation>
    </message>
    <message>
        <source>e.g. 1e-5</source>
        <translation>例如 1e-5</translation>
    </message>
    <message>
        <source>L2</source>
        <translation>L2 正则化</translation>
    </message>
    <message>
        <source>L2 weight penalty: one value, a list or a range</source>
        <translation>L2 正则化系数：一个值、一组值或一个范围</translation>
    </message>
    <message>
        <source>e.g. 0, 1e-4</source>
        <translation>例如 0, 1e-4</translation>
    </message>
    <message>
        <source>Batch normalisation</source>
        <translation>批归一化</translation>
    </message>
    <message>
        <source>Normalise activations after each block</source>
        <translation>在每个块之后对激活值做归一化</translation>
    </message>
    <message>
        <source>Augment</source>
        <translation>增强</translation>
    </message>
    <message>
        <source>Random changes to training images, so the model generalises</source>
        <translation>对训练图像做随机变换，让模型更好地泛化</translation>
    </message>
    <message>
        <source>Data augmentation</source>
        <translation>数据增强</translation>
    </message>
    <message>
        <source>Automatic: pretrained network for photos when its weights are here</source>
        <translation>自动：照片在权重可用时使用预训练网络</translation>
    </message>
    <message>
        <source>Transfer: ResNet50V2</source>
        <translation>迁移学习：ResNet50V2</translation>
    </message>
    <message>
        <source>ImageNet (Keras cache; downloaded once, if you agree)</source>
        <translation>ImageNet（Keras 缓存；经您同意后下载一次）</translation>
    </message>
    <message>
        <source>Flip</source>
        <translation>翻转</translation>
    </message>
    <message>
        <source>Random mirroring</source>
        <translation>随机镜像</translation>
    </message>
    <message>
        <source>No flip</source>
        <translation>不翻转</translation>
    </message>
    <message>
        <source>Horizontal</source>
        <translation>水平</translation>
    </message>
    <message>
        <source>Vertical</source>
        <translation>垂直</translation>
    </message>
    <message>
        <source>Horizontal and vertical</source>
        <translation>水平和垂直</translation>
    </message>
    <message>
        <source>Rotation</source>
        <translation>旋转</translation>
    </message>
    <message>
        <source>Largest rotation, as a fraction of a full turn (0 = off)</source>
        <translation>最大旋转角度，占整圈的比例（0 = 关闭）</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Largest zoom in or out, as a fraction (0 = off)</source>
        <translation>最大放大或缩小比例（0 = 关闭）</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Largest shift, as a fraction of the image (0 = off)</source>
        <translation>最大平移量，占图像的比例（0 = 关闭）</translation>
    </message>
    <message>
        <source>Contrast</source>
        <translation>对比度</translation>
    </message>
    <message>
        <source>Largest contrast change, as a fraction (0 = off)</source>
        <translation>最大对比度变化比例（0 = 关闭）</translation>
    </message>
    <message>
        <source>Saves time on trials that have stopped learning</source>
        <translation>为已不再学习的试验节省时间</translation>
    </message>
    <message>
        <source>Early stopping</source>
        <translation>早停</translation>
    </message>
    <message>
        <source>Stop a trial when validation stops improving</source>
        <translation>验证指标不再提升时停止试验</translation>
    </message>
    <message>
        <source>Patience</source>
        <translation>耐心值</translation>
    </message>
    <message>
        <source>Epochs without improvement before a trial stops; with a decaying learning rate they count only in the schedule&apos;s last quarter</source>
        <translation>试验停止前允许的无提升轮数；学习率衰减时只在调度的最后四分之一计数</translation>
    </message>
    <message>
        <source> epochs</source>
        <translation> 轮</translation>
    </message>
    <message>
        <source>Roll back to the best epoch when a trial stops early</source>
        <translation>试验提前停止时回退到最佳轮次</translation>
    </message>
    <message>
        <source>Keep the best epoch&apos;s weights</source>
        <translation>保留最佳轮次的权重</translation>
    </message>
    <message>
        <source>Try</source>
        <translation>尝试</translation>
    </message>
    <message>
        <source>Optimizers to try</source>
        <translation>要尝试的优化器</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Searched on a log scale between the two values</source>
        <translation>在两个值之间按对数刻度搜索</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>How the learning rate changes during a trial: kept constant, or decayed exponentially, along a cosine or linearly</source>
        <translation>试验中学习率如何变化：保持恒定，或按指数、余弦或线性方式衰减</translation>
    </message>
    <message>
        <source>Momentum (SGD)</source>
        <translation>动量（SGD）</translation>
    </message>
    <message>
        <source>Momentum for SGD and RMSprop: value, list or range</source>
        <translation>SGD 和 RMSprop 的动量：一个值、一组值或一个范围</translation>
    </message>
    <message>
        <source>e.g. 0.9</source>
        <translation>例如 0.9</translation>
    </message>
    <message>
        <source>Use Nesterov momentum with SGD</source>
        <translation>SGD 使用 Nesterov 动量</translation>
    </message>
    <message>
        <source>Nesterov momentum</source>
        <translation>Nesterov 动量</translation>
    </message>
    <message>
        <source>Gradient clipping</source>
        <translation>梯度裁剪</translation>
    </message>
    <message>
        <source>No clipping</source>
        <translation>不裁剪</translation>
    </message>
    <message>
        <source>By norm</source>
        <translation>按范数</translation>
    </message>
    <message>
        <source>By value</source>
        <translation>按数值</translation>
    </message>
    <message>
        <source>Clipping threshold</source>
        <translation>裁剪阈值</translation>
    </message>
    <message>
        <source>e.g. 1.0</source>
        <translation>例如 1.0</translation>
    </message>
    <message>
        <source>Batch sizes</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Batch sizes to try, separated by commas</source>
        <translation>要尝试的批大小，用逗号分隔</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>e.g. 16, 32</source>
        <translation>例如 16, 32</translation>
    </message>
    <message>
        <source>Label smoothing</source>
        <translation>标签平滑</translation>
    </message>
    <message>
        <source>Softens the targets; 0 turns it off</source>
        <translation>软化目标标签；0 表示关闭</translation>
    </message>
    <message>
        <source>Train the early epochs on smaller images and the last ones at full size: more epochs in the same time (images of 64 px and larger)</source>
        <translation>前期轮次用较小的图像训练，最后的轮次用完整尺寸：同样的时间内训练更多轮次（适用于 64 像素及以上的图像）</translation>
    </message>
    <message>
        <source>Progressive resizing</source>
        <translation>渐进式调整尺寸</translation>
    </message>
    <message>
        <source>Keep a moving average of the weights over about the last two epochs and use it for validation and the saved model</source>
        <translation>保留约最近两个轮次权重的滑动平均，并用于验证和保存的模型</translation>
    </message>
    <message>
        <source>Weight averaging (EMA)</source>
        <translation>权重滑动平均</translation>
    </message>
    <message>
        <source>Tuner</source>
        <translation>调优算法</translation>
    </message>
    <message>
        <source>How the next trial is chosen</source>
        <translation>如何选择下一个试验</translation>
    </message>
    <message>
        <source>Time budget</source>
        <translation>时间预算</translation>
    </message>
    <message>
        <source>Wall-clock time for the whole search (scan included). The search ends at whichever comes first: the budget or max trials. &apos;none&apos; for no limit</source>
        <translation>整个搜索的实际用时（含扫描）。搜索在预算用完或达到最大试验数时结束，以先到者为准。填 none 表示不限制</translation>
    </message>
    <message>
        <source>10m, 90s, 2h, or none</source>
        <translation>10m、90s、2h 或 none</translation>
    </message>
    <message>
        <source>End after no gain in</source>
        <translation>无提升则结束</translation>
    </message>
    <message>
        <source>End the search after this many trials in a row without a better score (0: never)</source>
        <translation>连续这么多个试验没有更好的得分时结束搜索（0：从不）</translation>
    </message>
    <message>
        <source>Max trials</source>
        <translation>最大试验数</translation>
    </message>
    <message>
        <source>How many models to train at most</source>
        <translation>最多训练多少个模型</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Epochs per trial (Hyperband: the most a trial gets). Auto: 30, more for a small folder so that a trial gets enough training steps</source>
        <translation>每个试验的轮数（Hyperband：单个试验的上限）。自动：30 轮；文件夹较小时更多，使每个试验有足够的训练步数</translation>
    </message>
    <message>
        <source>Hyperband keeps 1 in this many trials at each round</source>
        <translation>Hyperband 每一轮只保留这么多个试验中的 1 个</translation>
    </message>
    <message>
        <source>Objective</source>
        <translation>优化目标</translation>
    </message>
    <message>
        <source>What ranks the trials</source>
        <translation>用于给试验排名的指标</translation>
    </message>
    <message>
        <source>Validation accuracy (higher is better)</source>
        <translation>验证准确率（越高越好）</translation>
    </message>
    <message>
        <source>Validation loss (lower is better)</source>
        <translation>验证损失（越低越好）</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Same seed, same data split and trial order</source>
        <translation>相同的种子得到相同的数据划分和试验顺序</translation>
    </message>
    <message>
        <source>Validation share</source>
        <translation>验证集比例</translation>
    </message>
    <message>
        <source>Share of each class held out to score trials</source>
        <translation>每个类别中留出用于评估试验的比例</translation>
    </message>
    <message>
        <source>Test share</source>
        <translation>测试集比例</translation>
    </message>
    <message>
        <source>Share of each class locked away and scored once at the end: the honest estimate (a test/ folder is used as is)</source>
        <translation>每个类别中封存、只在最后评估一次的比例：这是诚实的估计（若有 test/ 文件夹则直接使用）</translation>
    </message>
    <message>
        <source>Class weights</source>
        <translation>类别权重</translation>
    </message>
    <message>
        <source>Weight each class by the inverse of its share, so rare classes count as much as common ones</source>
        <translation>按占比的倒数为每个类别加权，使少数类与常见类同等重要</translation>
    </message>
    <message>
        <source>Auto (on for heavy imbalance)</source>
        <translation>自动（严重不平衡时开启）</translation>
    </message>
    <message>
        <source>On</source>
        <translation>开</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>Search name</source>
        <translation>搜索名称</translation>
    </message>
    <message>
        <source>Shown in the history</source>
        <translation>显示在历史记录中</translation>
    </message>
    <message>
        <source>optional, e.g. flowers-first-try</source>
        <translation>可选，例如 花卉-初试</translation>
    </message>
    <message>
        <source>Faster training on modern GPUs; available once a GPU is detected</source>
        <translation>在新式 GPU 上训练更快；检测到 GPU 后可用</translation>
    </message>
    <message>
        <source>Hardware</source>
        <translation>硬件</translation>
    </message>
    <message>
        <source>Mixed precision (GPU only)</source>
        <translation>混合精度（仅 GPU）</translation>
    </message>
</context>
<context>
    <name>OptionsPanel</name>
    <message>
        <source>Preview on my images</source>
        <translation>在我的图像上预览</translation>
    </message>
    <message>
        <source>Show augmented samples of the chosen dataset</source>
        <translation>显示所选数据集的增强样例</translation>
    </message>
    <message>
        <source>Fix before starting:</source>
        <translation>开始前请修正：</translation>
    </message>
    <message>
        <source>{n} random variants at {size} px; press again for new ones.</source>
        <translation>{n} 个 {size} px 的随机变体；再点一次生成新的。</translation>
    </message>
    <message>
        <source>Choose a dataset first: the preview uses your images.</source>
        <translation>请先选择数据集：预览使用你的图像。</translation>
    </message>
    <message>
        <source>Augmenting… (the first preview starts TensorFlow in a helper process, a few seconds)</source>
        <translation>正在增强…（首次预览会在辅助进程中启动 TensorFlow，需要几秒）</translation>
    </message>
    <message>
        <source>Preview failed: {message}</source>
        <translation>预览失败：{message}</translation>
    </message>
</context>
<context>
    <name>PlaybookMenu</name>
    <message>
        <source>&amp;Misclassified Images…</source>
        <translation>分类错误的图像(&amp;M)…</translation>
    </message>
    <message>
        <source>Suspected &amp;Mislabels…</source>
        <translation>疑似错误标注(&amp;M)…</translation>
    </message>
    <message>
        <source>Find &amp;Learning Rate…</source>
        <translation>查找学习率(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;Ensemble the Best k…</source>
        <translation>集成最佳 k 个模型(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Distil into a Smaller Model…</source>
        <translation>蒸馏为更小的模型(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;k-Fold Cross-Validation…</source>
        <translation>k 折交叉验证(&amp;K)…</translation>
    </message>
    <message>
        <source>&amp;Playbook</source>
        <translation>调优手册(&amp;P)</translation>
    </message>
    <message>
        <source>Double-click a cell to see its images</source>
        <translation>双击单元格查看其图像</translation>
    </message>
    <message>
        <source>Choose a search folder</source>
        <translation>选择搜索文件夹</translation>
    </message>
    <message>
        <source>Playbook</source>
        <translation>调优手册</translation>
    </message>
    <message>
        <source>{folder} is not a TuneStudio search folder (no search.json).</source>
        <translation>{folder} 不是 TuneStudio 搜索文件夹（没有 search.json）。</translation>
    </message>
    <message>
        <source>Open an image folder first.</source>
        <translation>请先打开图像文件夹。</translation>
    </message>
    <message>
        <source>Find Learning Rate</source>
        <translation>查找学习率</translation>
    </message>
    <message>
        <source>Misclassified Images</source>
        <translation>分类错误的图像</translation>
    </message>
    <message>
        <source>Suspected Mislabels</source>
        <translation>疑似错误标注</translation>
    </message>
    <message>
        <source>Ensemble the Best k</source>
        <translation>集成最佳 k 个模型</translation>
    </message>
    <message>
        <source>Distil into a Smaller Model</source>
        <translation>蒸馏为更小的模型</translation>
    </message>
    <message>
        <source>k-Fold Cross-Validation</source>
        <translation>k 折交叉验证</translation>
    </message>
</context>
<context>
    <name>PredictClient</name>
    <message>
        <source>Choose a model first.</source>
        <translation>请先选择一个模型。</translation>
    </message>
</context>
<context>
    <name>RangeField</name>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
</context>
<context>
    <name>ResultCard</name>
    <message>
        <source>Cannot use this file: {reason}</source>
        <translation>无法使用此文件：{reason}</translation>
    </message>
    <message>
        <source>Grad-CAM</source>
        <translation>Grad-CAM</translation>
    </message>
    <message>
        <source>gradient × input</source>
        <translation>梯度 × 输入</translation>
    </message>
    <message>
        <source>Heat map: {method}</source>
        <translation>热力图：{method}</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>&lt;b&gt;No answer&lt;/b&gt;</source>
        <translation>&lt;b&gt;无回答&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; ({confidence:.0%} sure)</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;（{confidence:.0%} 把握）</translation>
    </message>
    <message>
        <source>&lt;b&gt;unknown&lt;/b&gt;: {confidence:.0%} is below the threshold {threshold:.0%} (best guess {name})</source>
        <translation>&lt;b&gt;未知&lt;/b&gt;：{confidence:.0%} 低于阈值 {threshold:.0%}（最佳猜测 {name}）</translation>
    </message>
</context>
<context>
    <name>ResultsPage</name>
    <message>
        <source>Export best trial…</source>
        <translation>导出最佳试验…</translation>
    </message>
    <message>
        <source>Export writes a SavedModel, a .keras file, labels.txt and a model card.</source>
        <translation>导出会写入 SavedModel、.keras 文件、labels.txt 和模型卡片。</translation>
    </message>
    <message>
        <source>Best trial</source>
        <translation>最佳试验</translation>
    </message>
    <message>
        <source>Try it · Confidence</source>
        <translation>试用 · 置信度</translation>
    </message>
    <message>
        <source>Export selected trial (#{n})…</source>
        <translation>导出所选试验（#{n}）…</translation>
    </message>
    <message>
        <source>Export best trial (#{n})…</source>
        <translation>导出最佳试验（#{n}）…</translation>
    </message>
    <message>
        <source>{count} trial(s) in this search</source>
        <translation>本次搜索共 {count} 次试验</translation>
    </message>
    <message>
        <source>, epoch {n} (weights kept)</source>
        <translation>，第 {n} 轮（保留的权重）</translation>
    </message>
    <message>
        <source>Best trial #{n}: validation confusion{kept}</source>
        <translation>最佳试验 #{n}：验证集混淆矩阵{kept}</translation>
    </message>
</context>
<context>
    <name>RunSummary</name>
    <message>
        <source>Best hyperparameters</source>
        <translation>最佳超参数</translation>
    </message>
    <message>
        <source>Trials</source>
        <translation>试验</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>No search yet</source>
        <translation>还没有搜索</translation>
    </message>
    <message>
        <source>Start a search to see its best trial here.</source>
        <translation>开始一次搜索，这里会显示其最佳试验。</translation>
    </message>
    <message>
        <source>Best {objective}: {score:.4f}</source>
        <translation>最佳 {objective}：{score:.4f}</translation>
    </message>
    <message>
        <source>No completed trial</source>
        <translation>没有完成的试验</translation>
    </message>
    <message>
        <source>Search completed</source>
        <translation>搜索已完成</translation>
    </message>
    <message>
        <source>Search cancelled</source>
        <translation>搜索已取消</translation>
    </message>
    <message>
        <source>Search failed</source>
        <translation>搜索失败</translation>
    </message>
    <message>
        <source>Search ended</source>
        <translation>搜索已结束</translation>
    </message>
    <message>
        <source> in {duration}</source>
        <translation>，用时 {duration}</translation>
    </message>
    <message>
        <source>best is trial {n}</source>
        <translation>最佳为试验 {n}</translation>
    </message>
    <message>
        <source>The search stopped with an error.</source>
        <translation>搜索因错误而停止。</translation>
    </message>
    <message>
        <source>Every trial failed or was stopped; see the trial table for the reasons.</source>
        <translation>所有试验都失败或被停止；原因请查看试验表。</translation>
    </message>
    <message>
        <source>Best trial took</source>
        <translation>最佳试验用时</translation>
    </message>
    <message>
        <source>Search took</source>
        <translation>搜索用时</translation>
    </message>
    <message>
        <source>Test accuracy</source>
        <translation>测试准确率</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Saved in</source>
        <translation>保存位置</translation>
    </message>
    <message>
        <source>{n} classes</source>
        <translation>{n} 个类别</translation>
    </message>
    <message>
        <source>{train} training / {val} validation images</source>
        <translation>{train} 张训练 / {val} 张验证图像</translation>
    </message>
    <message>
        <source>Search running…</source>
        <translation>搜索运行中…</translation>
    </message>
    <message>
        <source> (resumed)</source>
        <translation>（已继续）</translation>
    </message>
    <message>
        <source>Waiting for the first trial to finish</source>
        <translation>等待第一个试验完成</translation>
    </message>
    <message>
        <source>Best {objective} so far: {score:.4f}</source>
        <translation>目前最佳 {objective}：{score:.4f}</translation>
    </message>
    <message>
        <source>{done}{total} trials done · best is trial {n}</source>
        <translation>已完成 {done}{total} 个试验 · 最佳为试验 {n}</translation>
    </message>
    <message>
        <source>{done}{total} trials done</source>
        <translation>已完成 {done}{total} 个试验</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
</context>
<context>
    <name>SampleStrips</name>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; &lt;span style=&apos;color:#666&apos;&gt;({name2})&lt;/span&gt;</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; &lt;span style=&apos;color:#666&apos;&gt;（{name2}）&lt;/span&gt;</translation>
    </message>
</context>
<context>
    <name>ScanDetails</name>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Why it cannot be used</source>
        <translation>无法使用的原因</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样例</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Problems ({unusable_count})</source>
        <translation>问题（{unusable_count}）</translation>
    </message>
    <message>
        <source>Warnings ({warnings_count})</source>
        <translation>警告（{warnings_count}）</translation>
    </message>
</context>
<context>
    <name>ScoreScatterView</name>
    <message>
        <source>Open a search to see how each hyperparameter relates to the score.</source>
        <translation>打开一个搜索，查看每个超参数与得分的关系。</translation>
    </message>
    <message>
        <source>No completed trials to plot.</source>
        <translation>没有可绘制的已完成试验。</translation>
    </message>
    <message>
        <source>{objective} of {count} completed trial(s) against each hyperparameter that varied, largest effect first (effect: the share of the score&apos;s variation explained by the hyperparameter, 0 to 1, corrected for chance).</source>
        <translation>{count} 个已完成试验的 {objective} 与每个变化过的超参数的关系，按影响从大到小排列（影响：得分变化中可由该超参数解释的比例，0 到 1，已做随机校正）。</translation>
    </message>
    <message>
        <source>Same in every trial: {names}.</source>
        <translation>在每个试验中都相同：{names}。</translation>
    </message>
    <message>
        <source>log scale</source>
        <translation>对数刻度</translation>
    </message>
</context>
<context>
    <name>SearchStatus</name>
    <message>
        <source>Scanning the images…</source>
        <translation>正在扫描图像…</translation>
    </message>
    <message>
        <source>Starting TensorFlow…</source>
        <translation>正在启动 TensorFlow…</translation>
    </message>
    <message>
        <source>Measuring this machine…</source>
        <translation>正在测量本机速度…</translation>
    </message>
    <message>
        <source>Trying the compiled (XLA) training step…</source>
        <translation>正在试用编译（XLA）训练步…</translation>
    </message>
    <message>
        <source>Decoding the images…</source>
        <translation>正在解码图像…</translation>
    </message>
    <message>
        <source>Measuring this machine: {done} of {total} candidates</source>
        <translation>正在测量本机速度：已完成 {done}/{total} 个候选模型</translation>
    </message>
</context>
<context>
    <name>SearchesTable</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Best score</source>
        <translation>最佳得分</translation>
    </message>
    <message>
        <source>Trials</source>
        <translation>试验</translation>
    </message>
    <message>
        <source>Disk use</source>
        <translation>磁盘占用</translation>
    </message>
    <message>
        <source>Filter by name, dataset or notes…</source>
        <translation>按名称、数据集或备注筛选…</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>所有状态</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Running / interrupted</source>
        <translation>运行中 / 已中断</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Double-click to open; select several to compare their trials</source>
        <translation>双击打开；选择多个以比较它们的试验</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>best {objective}</source>
        <translation>最佳 {objective}</translation>
    </message>
    <message>
        <source>score</source>
        <translation>得分</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>invalid</source>
        <translation>无效</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
</context>
<context>
    <name>StoredSearchPage</name>
    <message>
        <source>Open a search to see its trials.</source>
        <translation>打开一个搜索以查看其试验。</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>曲线</translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <source>Try this trial…</source>
        <translation>试用此试验…</translation>
    </message>
    <message>
        <source>best {objective} &lt;b&gt;{score}&lt;/b&gt; ({trial}) · {completed} of {total} trials completed</source>
        <translation>最佳 {objective} &lt;b&gt;{score}&lt;/b&gt;（{trial}）· {total} 个试验中 {completed} 个已完成</translation>
    </message>
    <message>
        <source>score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Best hyperparameters: </source>
        <translation>最佳超参数：</translation>
    </message>
    <message>
        <source>Dataset: </source>
        <translation>数据集：</translation>
    </message>
    <message>
        <source>{count} class(es)</source>
        <translation>{count} 个类别</translation>
    </message>
    <message>
        <source>Started {started} · ended {ended} · {device} · seed {seed} · disk use {size}</source>
        <translation>开始 {started} · 结束 {ended} · {device} · 随机种子 {seed} · 磁盘占用 {size}</translation>
    </message>
    <message>
        <source>device unknown</source>
        <translation>设备未知</translation>
    </message>
    <message>
        <source>self-check passed</source>
        <translation>自检通过</translation>
    </message>
    <message>
        <source>self-check failed</source>
        <translation>自检失败</translation>
    </message>
    <message>
        <source>Exported trial {trial} to {folder} {verdict}</source>
        <translation>已将试验 {trial} 导出到 {folder} {verdict}</translation>
    </message>
    <message>
        <source>⚠ and {count} more warning(s)</source>
        <translation>⚠ 另有 {count} 条警告</translation>
    </message>
    <message>
        <source>Notes: </source>
        <translation>备注：</translation>
    </message>
</context>
<context>
    <name>TaskPanel</name>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Starting the training process…</source>
        <translation>正在启动训练进程…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>Failed: {error}</source>
        <translation>失败：{error}</translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <source>&lt;br&gt;… {hidden} earlier</source>
        <translation>&lt;br&gt;… 更早的 {hidden} 条</translation>
    </message>
</context>
<context>
    <name>TrialGallery</name>
    <message>
        <source>Trial {trial_id} · score {score:.4f}</source>
        <translation>试验 {trial_id} · 得分 {score:.4f}</translation>
    </message>
    <message>
        <source>Compute predictions from the checkpoint</source>
        <translation>从检查点计算预测</translation>
    </message>
    <message>
        <source>Heat Map…</source>
        <translation>热力图…</translation>
    </message>
    <message>
        <source>Trial:</source>
        <translation>试验：</translation>
    </message>
    <message>
        <source>This search has no completed trial yet.</source>
        <translation>此搜索还没有已完成的试验。</translation>
    </message>
    <message>
        <source>Cannot read {path} ({error}).</source>
        <translation>无法读取 {path}（{error}）。</translation>
    </message>
    <message>
        <source>Could not compute the predictions: {error}</source>
        <translation>无法计算预测：{error}</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>This trial has no saved predictions (an older search).</source>
        <translation>此试验没有保存的预测（较早的搜索）。</translation>
    </message>
    <message>
        <source>Predicting the validation images in the training process…</source>
        <translation>正在训练进程中预测验证图像…</translation>
    </message>
</context>
<context>
    <name>TrialTable</name>
    <message>
        <source>All trials</source>
        <translation>所有试验</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Stopped / cancelled</source>
        <translation>已停止 / 已取消</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>ended early: the time budget ran out</source>
        <translation>提前结束：时间预算用完</translation>
    </message>
    <message>
        <source>ended early: you pressed Stop</source>
        <translation>提前结束：你点击了“停止”</translation>
    </message>
    <message>
        <source>ended early: clearly behind the best trial</source>
        <translation>提前结束：明显落后于最佳试验</translation>
    </message>
    <message>
        <source>Trials</source>
        <translation>试验</translation>
    </message>
    <message>
        <source>Show only trials with this status</source>
        <translation>只显示此状态的试验</translation>
    </message>
    <message>
        <source>Unvaried hyperparameters</source>
        <translation>未变化的超参数</translation>
    </message>
    <message>
        <source>Also show hyperparameter columns whose value is the same in every trial</source>
        <translation>也显示在每个试验中取值都相同的超参数列</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>{n} of {total} trials</source>
        <translation>{n}/{total} 个试验</translation>
    </message>
    <message>
        <source>{n} trials</source>
        <translation>{n} 个试验</translation>
    </message>
    <message>
        <source> · {shown} shown</source>
        <translation> · 显示 {shown} 个</translation>
    </message>
</context>
<context>
    <name>TrialTableModel</name>
    <message>
        <source>Hyperparameter: {name}</source>
        <translation>超参数：{name}</translation>
    </message>
    <message>
        <source>Best {objective} of the trial</source>
        <translation>该试验的最佳 {objective}</translation>
    </message>
    <message>
        <source>{objective} of the latest epoch (trial still running)</source>
        <translation>最近一轮的 {objective}（试验仍在运行）</translation>
    </message>
    <message>
        <source>Best trial: {objective} {score}</source>
        <translation>最佳试验：{objective} {score}</translation>
    </message>
    <message>
        <source>Best trial</source>
        <translation>最佳试验</translation>
    </message>
</context>
<context>
    <name>TryItPanel</name>
    <message>
        <source>No model yet: finish a search, or use File &gt; Open Model…</source>
        <translation>还没有模型：请完成一次搜索，或使用 文件 &gt; 打开模型…</translation>
    </message>
    <message>
        <source>Add Images…</source>
        <translation>添加图片…</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Predict Folder…</source>
        <translation>预测文件夹…</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Drop images here, paste one (Ctrl+V) or press Add Images…</source>
        <translation>将图片拖放到这里、粘贴（Ctrl+V）或点击“添加图片…”</translation>
    </message>
    <message>
        <source>Heat map</source>
        <translation>热力图</translation>
    </message>
    <message>
        <source>Model: {title}</source>
        <translation>模型：{title}</translation>
    </message>
    <message>
        <source>Predicting {n} image(s)… (the first starts the model in a helper process, a few seconds)</source>
        <translation>正在预测 {n} 张图片…（第一次会在辅助进程中启动模型，需要几秒）</translation>
    </message>
    <message>
        <source>Choose images to try</source>
        <translation>选择要试用的图片</translation>
    </message>
    <message>
        <source>The clipboard holds no image.</source>
        <translation>剪贴板中没有图片。</translation>
    </message>
    <message>
        <source>{n} image(s) in {ms:.0f} ms an image; {unknown} below the threshold.</source>
        <translation>{n} 张图片，每张 {ms:.0f} 毫秒；{unknown} 张低于阈值。</translation>
    </message>
    <message>
        <source>Prediction failed: {message}</source>
        <translation>预测失败：{message}</translation>
    </message>
    <message>
        <source>Folders are predicted with Predict Folder…</source>
        <translation>文件夹请使用“预测文件夹…”</translation>
    </message>
</context>
<context>
    <name>UseModelDialog</name>
    <message>
        <source>Try {title}</source>
        <translation>试用 {title}</translation>
    </message>
</context>
<context>
    <name>UseModelPanel</name>
    <message>
        <source>Exported with temperature {t:.2f} folded in and threshold {threshold:.2f}.</source>
        <translation>导出时已并入温度 {t:.2f}，阈值 {threshold:.2f}。</translation>
    </message>
    <message>
        <source>Predict every image in folder</source>
        <translation>预测此文件夹中的所有图片</translation>
    </message>
</context>
<context>
    <name>Values</name>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>head</source>
        <translation>分类头</translation>
    </message>
    <message>
        <source>fine-tuning</source>
        <translation>微调</translation>
    </message>
</context>
<context>
    <name>WeightsDialog</name>
    <message>
        <source>The search was not started.</source>
        <translation>搜索未开始。</translation>
    </message>
    <message>
        <source>Import weights file</source>
        <translation>导入权重文件</translation>
    </message>
    <message>
        <source>Keras weights (*.h5)</source>
        <translation>Keras 权重 (*.h5)</translation>
    </message>
    <message>
        <source>Which network are these weights for?</source>
        <translation>这些权重属于哪个网络？</translation>
    </message>
    <message>
        <source>Checking that {file} loads into {network}…</source>
        <translation>正在检查 {file} 能否载入 {network}…</translation>
    </message>
    <message>
        <source>Imported: {path}</source>
        <translation>已导入：{path}</translation>
    </message>
    <message>
        <source>The {network} weights are in place:
{path}</source>
        <translation>{network} 的权重已就位：
{path}</translation>
    </message>
    <message>
        <source>The weights file was not imported.</source>
        <translation>权重文件未导入。</translation>
    </message>
    <message>
        <source>Not imported: {reason}</source>
        <translation>未导入：{reason}</translation>
    </message>
    <message>
        <source>ImageNet weights</source>
        <translation>ImageNet 权重</translation>
    </message>
    <message>
        <source>&lt;b&gt;{network}&lt;/b&gt; starts from features learned on ImageNet (1.3 million photos), so a few dozen photos a class are enough. Its ImageNet weights are not on this computer yet. Download them now?</source>
        <translation>&lt;b&gt;{network}&lt;/b&gt; 从在 ImageNet（130 万张照片）上学到的特征出发，因此每类几十张照片就够了。这台电脑上还没有它的 ImageNet 权重。现在下载吗？</translation>
    </message>
    <message>
        <source>Network:</source>
        <translation>网络：</translation>
    </message>
    <message>
        <source>Download size:</source>
        <translation>下载大小：</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <source>Licence:</source>
        <translation>许可证：</translation>
    </message>
    <message>
        <source>Saved in:</source>
        <translation>保存到：</translation>
    </message>
    <message>
        <source>Always allow downloading ImageNet weights</source>
        <translation>始终允许下载 ImageNet 权重</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Import weights file…</source>
        <translation>导入权重文件…</translation>
    </message>
    <message>
        <source>Train without them</source>
        <translation>不用权重训练</translation>
    </message>
    <message>
        <source>Don&apos;t start</source>
        <translation>不开始</translation>
    </message>
    <message>
        <source>Downloading the ImageNet weights of {network}…</source>
        <translation>正在下载 {network} 的 ImageNet 权重…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Connecting to {host}…</source>
        <translation>正在连接 {host}…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <source>Checking that the file loads into {network}…</source>
        <translation>正在检查文件能否载入 {network}…</translation>
    </message>
    <message>
        <source>The weights were not downloaded: {reason}</source>
        <translation>权重未下载：{reason}</translation>
    </message>
    <message>
        <source>Without these weights the backbone starts from random values and must learn everything from your photos: on a small folder expect far lower accuracy (on five flower classes, about 0.74 from scratch against 0.86-0.90 with ImageNet features). To get them on a computer without internet, download {file} ({size}) elsewhere, from {url}, or run &apos;tunestudio weights fetch {arch}&apos; there; then choose File ▸ Import weights file… here.</source>
        <translation>没有这些权重，主干网络从随机值开始，必须从您的照片中学会一切：在小文件夹上准确率会低得多（五类花卉上，从零训练约 0.74，使用 ImageNet 特征为 0.86-0.90）。在没有网络的电脑上获取它们：在别处从 {url} 下载 {file}（{size}），或在那里运行 &apos;tunestudio weights fetch {arch}&apos;；然后在这里选择 文件 ▸ 导入权重文件…。</translation>
    </message>
</context>
<context>
    <name>WindowChrome</name>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Resume…</source>
        <translation>继续…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Device: shown when training starts</source>
        <translation>设备：训练开始时显示</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>Show or hide the options column (hidden while a search runs, to give the live views room)</source>
        <translation>显示或隐藏选项栏（搜索运行时隐藏，为实时视图留出空间）</translation>
    </message>
    <message>
        <source>1 · Dataset</source>
        <translation>1 · 数据集</translation>
    </message>
    <message>
        <source>&lt;b&gt;Options&lt;/b&gt;</source>
        <translation>&lt;b&gt;选项&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <source>Search progress</source>
        <translation>搜索进度</translation>
    </message>
    <message>
        <source>&amp;Open Folder…</source>
        <translation>打开文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Choose an image folder to train on</source>
        <translation>选择用于训练的图像文件夹</translation>
    </message>
    <message>
        <source>Open &amp;Model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <source>Try an exported model (.keras, .tflite, .onnx, a SavedModel or an export folder) on new images</source>
        <translation>在新图片上试用导出的模型（.keras、.tflite、.onnx、SavedModel 或导出文件夹）</translation>
    </message>
    <message>
        <source>&amp;Start Search</source>
        <translation>开始搜索(&amp;S)</translation>
    </message>
    <message>
        <source>S&amp;top Search</source>
        <translation>停止搜索(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Resume Search…</source>
        <translation>继续搜索(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Export Model…</source>
        <translation>导出模型(&amp;E)…</translation>
    </message>
    <message>
        <source>Import weights file…</source>
        <translation>导入权重文件…</translation>
    </message>
    <message>
        <source>Put ImageNet weights you already have (a Keras .h5 file) where the transfer backbones find them</source>
        <translation>把您已有的 ImageNet 权重（Keras .h5 文件）放到迁移主干网络能找到的位置</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;About TuneStudio</source>
        <translation>关于 TuneStudio(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>搜索(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System ({language})</source>
        <translation>跟随系统（{language}）</translation>
    </message>
    <message>
        <source>Language saved.</source>
        <translation>语言设置已保存。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The language changes when TuneStudio starts again.</source>
        <translation>语言将在 TuneStudio 下次启动时更改。</translation>
    </message>
    <message>
        <source>{clock} of {clock2}</source>
        <translation>{clock} / {clock2}</translation>
    </message>
    <message>
        <source>Open a model to try</source>
        <translation>打开要试用的模型</translation>
    </message>
    <message>
        <source>Models (*.keras *.tflite *.onnx model_card.json saved_model.pb)</source>
        <translation>模型 (*.keras *.tflite *.onnx model_card.json saved_model.pb)</translation>
    </message>
</context>
<context>
    <name>WindowExport</name>
    <message>
        <source>Trial {n} did not complete; exporting the final model instead.</source>
        <translation>试验 {n} 未完成；改为导出最终模型。</translation>
    </message>
    <message>
        <source>Export needs a finished search.</source>
        <translation>导出需要一个已完成的搜索。</translation>
    </message>
    <message>
        <source>Export the model into folder</source>
        <translation>将模型导出到文件夹</translation>
    </message>
    <message>
        <source>Export stopped; nothing was written.</source>
        <translation>导出已停止；没有写入任何文件。</translation>
    </message>
    <message>
        <source>Export stopped.</source>
        <translation>导出已停止。</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#b00020&apos;&gt;Export failed: {message}&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b00020&apos;&gt;导出失败：{message}&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#1a7f37&apos;&gt;✔ self-check passed&lt;/span&gt; ({count} format(s) reproduce the trained model on {images} validation images)</source>
        <translation>&lt;span style=&apos;color:#1a7f37&apos;&gt;✔ 自检通过&lt;/span&gt;（{count} 种格式在 {images} 张验证图像上复现了训练好的模型）</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#b00020&apos;&gt;✘ self-check failed&lt;/span&gt; ({failed})</source>
        <translation>&lt;span style=&apos;color:#b00020&apos;&gt;✘ 自检失败&lt;/span&gt;（{failed}）</translation>
    </message>
    <message>
        <source>Exported to &lt;a href=&apos;{url}&apos;&gt;{out_dir}&lt;/a&gt;&lt;br&gt;{verdict}</source>
        <translation>已导出到 &lt;a href=&apos;{url}&apos;&gt;{out_dir}&lt;/a&gt;&lt;br&gt;{verdict}</translation>
    </message>
    <message>
        <source>Exported to {out_dir}</source>
        <translation>已导出到 {out_dir}</translation>
    </message>
</context>
<context>
    <name>WorkersPanel</name>
    <message>
        <source>Worker</source>
        <translation>工作节点</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Trial</source>
        <translation>试验</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最近活动</translation>
    </message>
    <message>
        <source>127.0.0.1 keeps the search to this machine. Another address opens it to that network: it then needs a token, and the connection is encrypted; workers check this machine&apos;s certificate by the fingerprint shown when the search starts.</source>
        <translation>127.0.0.1 只允许本机参与搜索。其他地址会向相应网络开放：此时需要令牌，连接会加密；工作节点通过搜索开始时显示的指纹核对本机的证书。</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>{seconds} s ago</source>
        <translation>{seconds} 秒前</translation>
    </message>
    <message>
        <source>{minutes} min ago</source>
        <translation>{minutes} 分钟前</translation>
    </message>
    <message>
        <source>Other machines</source>
        <translation>其他机器</translation>
    </message>
    <message>
        <source>Let other machines train trials of the next search (distributed search)</source>
        <translation>让其他机器训练下一次搜索的试验（分布式搜索）</translation>
    </message>
    <message>
        <source>The address to listen on: 127.0.0.1 (this machine only), this machine&apos;s address on the network, or 0.0.0.0 (every network)</source>
        <translation>监听地址：127.0.0.1（仅本机）、本机在网络上的地址，或 0.0.0.0（所有网络）</translation>
    </message>
    <message>
        <source>optional token</source>
        <translation>可选令牌</translation>
    </message>
    <message>
        <source>New token</source>
        <translation>新令牌</translation>
    </message>
    <message>
        <source>Workers that train on this machine too (each is its own training process)</source>
        <translation>也在本机上训练的工作节点（每个都是独立的训练进程）</translation>
    </message>
    <message>
        <source>Listen on</source>
        <translation>监听地址</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <source>Workers here</source>
        <translation>本机工作节点</translation>
    </message>
    <message>
        <source>On each other machine: &lt;code&gt;tunestudio worker --chief {address}{token}&lt;/code&gt; (it must see the search folder at the same path, and the images).</source>
        <translation>在每台其他机器上运行：&lt;code&gt;tunestudio worker --chief {address}{token}&lt;/code&gt;（它必须能在相同路径下看到搜索文件夹和图像）。</translation>
    </message>
    <message>
        <source>Workers join with &lt;code&gt;tunestudio worker --chief {chief_address}{value2}&lt;/code&gt;</source>
        <translation>工作节点通过 &lt;code&gt;tunestudio worker --chief {chief_address}{value2}&lt;/code&gt; 加入</translation>
    </message>
    <message>
        <source>Anyone who can reach {chief_address} can join this search{value3}.</source>
        <translation>任何能访问 {chief_address} 的人都可以加入此搜索{value3}。</translation>
    </message>
    <message>
        <source> if they know the token</source>
        <translation>（需知道令牌）</translation>
    </message>
</context>
</TS>
