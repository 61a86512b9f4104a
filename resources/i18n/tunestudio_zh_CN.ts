<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>About</name>
    <message>
        <source>About TuneStudio</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&lt;h3&gt;TuneStudio {version}&lt;/h3&gt;&lt;p&gt;Tune an image classifier with Keras Tuner, without writing code.&lt;/p&gt;&lt;table&gt;{rows}&lt;/table&gt;</source>
        <translation>汉汉{version}汉汉汉汉汉{rows}汉</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Unexpected error</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>ClassBalanceChart</name>
    <message>
        <source>left</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>images</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>Select two or more trials and press Compare.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>validation accuracy</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>bottom</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Rows marked ≠ differ between the compared trials</source>
        <translation>汉</translation>
    </message>
    <message numerus="yes">
        <source>Comparing %n trial(s). Rows marked ≠ differ.</source>
        <translation>汉<numerusform />
        </translation>
    </message>
    <message>
        <source>score</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>status</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>differs between the trials</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>best of the compared trials</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>correct</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>no confusion matrix recorded</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>ConfusionView</name>
    <message>
        <source>No confusion matrix yet: it appears after the first epoch.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Rows: true class · columns: predicted class</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>A cell's shade is its share of the true class's images: blue on the diagonal (correct), orange elsewhere (mistakes).</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Confusion matrix: rows true class, columns predicted class</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Precision, recall and F1 per class</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>epoch {epoch}</source>
        <translation>汉{epoch}</translation>
    </message>
    <message>
        <source>epoch {n} (weights kept)</source>
        <translation>汉{n}汉</translation>
    </message>
    <message>
        <source>weights kept</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>trial {n}</source>
        <translation>汉{n}</translation>
    </message>
    <message>
        <source>Validation confusion — {trial}, {where}</source>
        <translation>汉{trial}汉{where}</translation>
    </message>
    <message>
        <source>Cannot show the confusion matrix of {trial}: {why}</source>
        <translation>汉{trial}汉{why}</translation>
    </message>
    <message>
        <source>Accuracy: {value}</source>
        <translation>汉{value}</translation>
    </message>
    <message>
        <source>macro avg</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>weighted avg</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Accuracy: {value} (no images)</source>
        <translation>汉{value}汉</translation>
    </message>
    <message>
        <source>Accuracy: {value:.3f} ({correct} of {total} correct)</source>
        <translation>汉{value:.3f}汉{correct}汉{total}汉</translation>
    </message>
    <message>
        <source>Undefined: no image was predicted as this class</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Undefined: this class has no images in the validation split</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Undefined: precision or recall is undefined</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>CoreMessages</name>
    <message>
        <source>symbolic link loop: the link points back to itself</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>broken link: its target does not exist</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>file disappeared during the scan</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>cannot read: permission denied</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>cannot read: {error}</source>
        <translation>汉{error}</translation>
    </message>
    <message>
        <source>unsupported format ({fmt}): convert it to JPEG or PNG</source>
        <translation>汉{fmt}汉</translation>
    </message>
    <message>
        <source>corrupt image: it starts like a {fmt} file but its header is damaged</source>
        <translation>汉{fmt}汉</translation>
    </message>
    <message>
        <source>unsupported image format ({fmt}): convert it to JPEG or PNG</source>
        <translation>汉{fmt}汉</translation>
    </message>
    <message>
        <source>not an image: the content is not a {ext} file {detail}</source>
        <translation>汉{ext}汉{detail}</translation>
    </message>
    <message>
        <source>not an image (unrecognised content)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>empty file (0 bytes)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>refused: {size} MB is too large for a training image</source>
        <translation>汉{size}汉</translation>
    </message>
    <message>
        <source>refused: {size} is too large to decode safely {detail}</source>
        <translation>汉{size}汉{detail}</translation>
    </message>
    <message>
        <source>refused: {size} pixels is too large to decode safely {detail}</source>
        <translation>汉{size}汉{detail}</translation>
    </message>
    <message>
        <source>corrupt or truncated image: {error}</source>
        <translation>汉{error}</translation>
    </message>
    <message>
        <source>corrupt image: unreadable header ({error})</source>
        <translation>汉{error}汉</translation>
    </message>
    <message>
        <source>corrupt image: it has no pixels</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>refused: possible decompression bomb ({error})</source>
        <translation>汉{error}汉</translation>
    </message>
    <message>
        <source>refused: not enough memory to decode this image</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>not a file</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>not a regular file (device, pipe or socket)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>cannot inspect: {error}</source>
        <translation>汉{error}</translation>
    </message>
    <message>
        <source>{n} {reason}</source>
        <translation>{n} {reason}</translation>
    </message>
    <message>
        <source>{first}, {rest}</source>
        <translation>{first}汉{rest}</translation>
    </message>
    <message>
        <source>corrupt image</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>corrupt or truncated image</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>not an image</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>empty file</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>unsupported format</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>unsupported image format</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>cannot read</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>hidden or system file</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>1 image</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{n} images</source>
        <translation>{n}汉</translation>
    </message>
    <message>
        <source>1 file</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{n} files</source>
        <translation>{n}汉</translation>
    </message>
    <message>
        <source>1 hidden, system or stray file</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{n} hidden, system or stray files</source>
        <translation>{n}汉</translation>
    </message>
    <message>
        <source>No class folders found: put each class's images in its own subfolder.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>No class folders found: put each class's images in its own subfolder ({images} lie directly in the folder).</source>
        <translation>汉{images}汉</translation>
    </message>
    <message>
        <source>This does not look like an image dataset: none of its {files} is a usable image.</source>
        <translation>汉{files}汉</translation>
    </message>
    <message>
        <source>Most files here are not usable images ({n} of {total}): is this the right folder?</source>
        <translation>汉{n}汉{total}汉</translation>
    </message>
    <message>
        <source>{files} cannot be used ({summary}); see the problem list.</source>
        <translation>{files}汉{summary}汉</translation>
    </message>
    <message>
        <source>Class '{c}' has no usable images and will be left out.</source>
        <translation>汉{c}汉</translation>
    </message>
    <message>
        <source>Class '{c}' has only {images}: results will be unreliable.</source>
        <translation>汉{c}汉{images}汉</translation>
    </message>
    <message>
        <source>Heavy class imbalance: '{big}' has {n} images, '{small}' only {count}.</source>
        <translation>汉{big}汉{n}汉{small}汉{count}汉</translation>
    </message>
    <message>
        <source>Class names that differ only in case or spaces: {names}; they are separate classes. Rename the folders if they are meant to be one.</source>
        <translation>汉{names}汉</translation>
    </message>
    <message>
        <source>The '{split}' split has no images of {classes}.</source>
        <translation>汉{split}汉{classes}汉</translation>
    </message>
    <message>
        <source>Grayscale and colour images are mixed ({gray} of {total} grayscale, e.g. {example}); grayscale ones are used as 3 equal channels.</source>
        <translation>汉{gray}汉{total}汉{example}汉</translation>
    </message>
    <message>
        <source>Images whose extension does not match their content: {n} (e.g. {example}); they are read by their content.</source>
        <translation>汉{n}汉{example}汉</translation>
    </message>
    <message>
        <source>Images in a format TensorFlow cannot read directly or correctly: {n} (e.g. {example}); they are converted to PNG for training.</source>
        <translation>汉{n}汉{example}汉</translation>
    </message>
    <message>
        <source>CMYK images: {n} (e.g. {example}); they are converted to RGB.</source>
        <translation>汉{n}汉{example}汉</translation>
    </message>
    <message>
        <source>Images with 16 bits per channel: {n} (e.g. {example}); they are reduced to 8 bits.</source>
        <translation>汉{n}汉{example}汉</translation>
    </message>
    <message>
        <source>Images with transparency: {n} (e.g. {example}); it is dropped and transparent areas keep their stored colour.</source>
        <translation>汉{n}汉{example}汉</translation>
    </message>
    <message>
        <source>Photos with an EXIF rotation: {n} (e.g. {example}); they are turned upright for training.</source>
        <translation>汉{n}汉{example}汉</translation>
    </message>
    <message>
        <source>Animated images: {n} (e.g. {example}); only the first frame is used.</source>
        <translation>汉{n}汉{example}汉</translation>
    </message>
    <message>
        <source>Images smaller than {n} px on a side: {count} (e.g. {example}); they are stretched to the training size and carry little information.</source>
        <translation>汉{n}汉{count}汉{example}汉</translation>
    </message>
    <message>
        <source>Class '{c}' has {files} in subfolders; they count as '{label}'.</source>
        <translation>汉{c}汉{files}汉{label}汉</translation>
    </message>
    <message>
        <source>{files} skipped (e.g. {example}).</source>
        <translation>{files}汉{example}汉</translation>
    </message>
    <message>
        <source>The same image is in different classes ({classes}): {names}</source>
        <translation>汉{classes}汉{names}</translation>
    </message>
    <message>
        <source>The same image is in more than one split ({split}), which inflates validation scores: {names}</source>
        <translation>汉{split}汉{names}</translation>
    </message>
    <message>
        <source>No folder chosen: choose the folder that holds one subfolder per class.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{root}: folder not found</source>
        <translation>{root}汉</translation>
    </message>
    <message>
        <source>{root}: folder not found (was it moved or deleted?)</source>
        <translation>{root}汉</translation>
    </message>
    <message>
        <source>{root}: not a folder (choose the folder that holds the class folders)</source>
        <translation>{root}汉</translation>
    </message>
    <message>
        <source>{root}: cannot open folder ({error})</source>
        <translation>{root}汉{error}汉</translation>
    </message>
    <message>
        <source>{root}: cannot read folder (permission denied)</source>
        <translation>{root}汉</translation>
    </message>
    <message>
        <source>{root}: cannot read folder ({error})</source>
        <translation>{root}汉{error}汉</translation>
    </message>
    <message>
        <source>{root}: the folder disappeared during the scan</source>
        <translation>{root}汉</translation>
    </message>
    <message>
        <source>{root}: the folder's path is not valid text (UTF-8); rename it</source>
        <translation>{root}汉</translation>
    </message>
    <message>
        <source>{root} has no class folders. Put each class's images in its own subfolder (e.g. cats/ and dogs/).</source>
        <translation>{root}汉</translation>
    </message>
    <message>
        <source>{root}: its class folders are empty. Put each class's images in its own subfolder.</source>
        <translation>{root}汉</translation>
    </message>
    <message>
        <source>{root}: a classifier needs at least two classes with usable images (found only '{c}'). Put each class's images in its own subfolder.</source>
        <translation>{root}汉{c}汉</translation>
    </message>
    <message>
        <source>The time budget is spent.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Time budget of {budget} reached.</source>
        <translation>汉{budget}汉</translation>
    </message>
    <message>
        <source>Time budget of {budget} reached. {detail}</source>
        <translation>汉{budget}汉{detail}</translation>
    </message>
    <message>
        <source>All 1 trial ran.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>All {done} trials ran.</source>
        <translation>汉{done}汉</translation>
    </message>
    <message>
        <source>All 1 trial ran within the {budget} budget.</source>
        <translation>汉{budget}汉</translation>
    </message>
    <message>
        <source>All {done} trials ran within the {budget} budget.</source>
        <translation>汉{done}汉{budget}汉</translation>
    </message>
    <message>
        <source>The {remaining} s left are too short for another useful trial (about {need} s for {least} epochs and the model's set-up).</source>
        <translation>汉{remaining}汉{need}汉{least}汉</translation>
    </message>
    <message>
        <source>No better trial in the last {n} trials: the search has plateaued and ends early.</source>
        <translation>汉{n}汉</translation>
    </message>
    <message>
        <source>the search ended</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>MLP (flatten + dense stack)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Simple CNN (conv-pool blocks)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>VGG-style blocks</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>ResNet-style residual blocks</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Transfer: MobileNetV2</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Transfer: EfficientNetB0</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Transfer: ResNet50</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Random search</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Grid search</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Hyperband</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Bayesian optimization</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>CurvesPanel</name>
    <message>
        <source>No search running.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Batches done in the running epoch</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Training curves</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Loss and accuracy per epoch of the shown trial, and every trial's objective</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>bottom</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>other trials</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>best</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>shown</source>
        <translation>汉</translation>
    </message>
    <message numerus="yes">
        <source>%n stored trial(s)</source>
        <translation>汉<numerusform />
        </translation>
    </message>
    <message>
        <source>No stored trials.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Search started</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Search completed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Search cancelled</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Search failed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Search ended</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>train</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>best: {trial} ({score})</source>
        <translation>汉{trial}汉{score}汉</translation>
    </message>
    <message>
        <source>running</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>lower is better</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>higher is better</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>All trials — {objective} ({direction})</source>
        <translation>汉{objective}汉{direction}汉</translation>
    </message>
    <message>
        <source>left</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Trial {n}{total} running</source>
        <translation>汉{n}{total}汉</translation>
    </message>
    <message>
        <source>epoch {e}</source>
        <translation>汉{e}</translation>
    </message>
    <message>
        <source>batch loss {loss:.4f}</source>
        <translation>汉{loss:.4f}</translation>
    </message>
    <message>
        <source>batch %v/%m</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>showing {trial}</source>
        <translation>汉{trial}</translation>
    </message>
    <message>
        <source>best {trial}: {objective} {score}</source>
        <translation>汉{trial}汉{objective} {score}</translation>
    </message>
    <message>
        <source>showing {trial} ({status})</source>
        <translation>汉{trial}汉{status}汉</translation>
    </message>
    <message>
        <source> (best)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{trial}{best}: {objective} {score}
click to select</source>
        <translation>{trial}{best}汉{objective} {score}汉</translation>
    </message>
</context>
<context>
    <name>DatasetPanel</name>
    <message>
        <source>Image folder with one subfolder per class (or train/ and val/)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Dataset folder</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Choose an image folder (Ctrl+O)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Recently used folders and the bundled sample data</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>No folder chosen yet.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>File</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Why it cannot be used</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&lt;p style='font-size:15pt'&gt;Which images should the model learn?&lt;/p&gt;&lt;p&gt;Choose a folder with one subfolder per class, for example&lt;br&gt;&lt;code&gt;flowers/daisy/*.jpg&lt;/code&gt;, &lt;code&gt;flowers/roses/*.jpg&lt;/code&gt;, …&lt;/p&gt;&lt;p&gt;Type its path above and press Enter, use &lt;b&gt;Browse…&lt;/b&gt;, drop the folder here,&lt;br&gt;or pick the bundled sample data from &lt;b&gt;Recent&lt;/b&gt;.&lt;/p&gt;</source>
        <translation>汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉汉</translation>
    </message>
    <message>
        <source>Choose an image folder</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Sample data: 5 kinds of flowers</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Scanning {folder} …</source>
        <translation>汉{folder}汉</translation>
    </message>
    <message>
        <source>Scanning {strip} … {done:,} of {total:,} files</source>
        <translation>汉{strip}汉{done:,}汉{total:,}汉</translation>
    </message>
    <message>
        <source>Cannot use this folder: {message}</source>
        <translation>汉{message}</translation>
    </message>
    <message>
        <source>Problems ({unusable_count})</source>
        <translation>汉{unusable_count}汉</translation>
    </message>
    <message>
        <source>Warnings ({warnings_count})</source>
        <translation>汉{warnings_count}汉</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; &lt;span style='color:#666'&gt;({name2})&lt;/span&gt;</source>
        <translation>汉{name}汉 汉汉{name2}汉汉</translation>
    </message>
</context>
<context>
    <name>DistillPanel</name>
    <message>
        <source>Best trial</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>best</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Ensemble of the best %d</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>ensemble:{k}</source>
        <translation>汉{k}</translation>
    </message>
    <message>
        <source>Trial %s</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>optional: a new folder for the student's export</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Teacher:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Student (architecture · width · depth):</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Temperature · alpha (hard labels) · epochs:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export the student to:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Distil</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>bottom</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>left</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>student, training</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>student, validation</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Student</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export Student…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export the student to</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Student exported to %s (self-check %s).</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Student saved in %s</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>EnsemblePanel</name>
    <message>
        <source>a new or empty folder</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Members (best k trials):</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export to:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Build Ensemble</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export the ensemble to</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Choose the folder to export the ensemble to.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Ensemble of trials %s: validation accuracy %s (best single trial %s).</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Test accuracy %s (best single trial %s).</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Exported to %s.</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export model</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export {which} to &lt;b&gt;{out_dir}&lt;/b&gt;. Each file is loaded in its own runtime and scored on every validation image against the trained model.</source>
        <translation>汉{which}汉汉{out_dir}汉汉</translation>
    </message>
    <message>
        <source>Choose the formats, then Export.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Agreement: share of validation images given the trained model's class. Needed: </source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Starting the export process…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Stopping the export…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Exported to {path}. {verdict}</source>
        <translation>汉{path}汉{verdict}</translation>
    </message>
    <message>
        <source>Export stopped; nothing was written.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&lt;span style='color:{name}'&gt;Export failed: {error}&lt;/span&gt;</source>
        <translation>汉汉{error}汉</translation>
    </message>
    <message>
        <source>needs agreement ≥ {min_agreement}</source>
        <translation>汉{min_agreement}</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <source>Filter by name, dataset or notes…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Running / interrupted</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Double-click to open; select several to compare their trials</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Re-run…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Load this search's options to edit and start again</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Continue a stopped or interrupted search where it left off</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Notes…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Save the trials of the selected searches as a table</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>keep best </source>
        <translation>汉</translation>
    </message>
    <message>
        <source>How many trials keep their checkpoint when pruning</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>after each search</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>When a search completes, keep only the checkpoints of its best trials</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Prune checkpoints…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Delete the weights of all but the best trials to free disk space</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>TensorBoard</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Start TensorBoard on 127.0.0.1 for this search and open it</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Open a search to see its trials.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Trial</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Compare ticked trials</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Tick two or more trials, from one search or several (select several searches above and open them).</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Trials</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Score vs hyperparameters</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Open	Enter</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Rename…	F2</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Delete…	Del</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>The history database cannot be opened: %1</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Cannot read the history</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>history preference %s not saved: %s</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Cannot open the search</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Compare trials</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Tick at least two trials to compare.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Re-run</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>This search has no stored options to re-run.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Only a stopped or interrupted search whose folder still exists can be resumed.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Rename search</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Notes for %1:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>That search is still running; stop it first.</source>
        <translation>汉</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n search(es) and their files (%1)?</source>
        <translation>汉<numerusform />
        </translation>
    </message>
    <message>
        <source>Checkpoints, logs and the record of every trial are removed. This cannot be undone.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Delete searches</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Remove the search from the history and keep its folder?</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Select one or more searches first.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export trials as CSV</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>汉</translation>
    </message>
    <message numerus="yes">
        <source>Keep the checkpoints of the best %n trial(s) of “%1” and delete the others' weights?</source>
        <translation>汉<numerusform />
        </translation>
    </message>
    <message>
        <source>This search has not completed: a Hyperband search continues from these checkpoints when resumed.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Prune checkpoints</source>
        <translation>汉</translation>
    </message>
    <message numerus="yes">
        <source>Removed %n checkpoint(s), freed %1.</source>
        <translation>汉<numerusform />
        </translation>
    </message>
    <message>
        <source>The folder of this search no longer exists.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Starting TensorBoard…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>best %1 &lt;b&gt;%2&lt;/b&gt; (%3) · %4 of %5 trials completed</source>
        <translation>汉汉汉汉汉</translation>
    </message>
    <message>
        <source>Best hyperparameters: </source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Dataset: </source>
        <translation>汉</translation>
    </message>
    <message numerus="yes">
        <source>%n class(es)</source>
        <translation>汉<numerusform />
        </translation>
    </message>
    <message>
        <source>Started %1 · ended %2 · %3 · seed %4 · disk use %5</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>device unknown</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>self-check passed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>self-check failed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Exported trial %1 to %2 %3</source>
        <translation>汉</translation>
    </message>
    <message numerus="yes">
        <source>⚠ and %n more warning(s)</source>
        <translation>汉<numerusform />
        </translation>
    </message>
    <message>
        <source>Notes: </source>
        <translation>汉</translation>
    </message>
    <message>
        <source>best %1</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>running</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>History</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Select a search first.</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>KFoldPanel</name>
    <message>
        <source>Trial %s</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Configuration of:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Folds:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Cross-validate</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>bottom</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>left</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>held-out objective</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>This search has no completed trial.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>%s over %d folds: %.4f ± %.4f (folds: %s)</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>LRFinderPanel</name>
    <message>
        <source>Architecture:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Image size · steps · batch:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Find Learning Rate</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>bottom</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>left</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>loss (smoothed)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Apply Range to the Search</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Suggested learning rate: %.2e to %.2e (where the loss falls fastest, before its minimum).</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>The search's learning rate is now %.2e to %.2e (log scale).</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>LazyPage</name>
    <message>
        <source>Loading…</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>TuneStudio</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Stopping after the current batch… (the search can be resumed)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Scanning the folder first; the search starts when the scan is done…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Choose an image folder first (File ▸ Open Folder, or type its path and press Enter).</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Cannot start: {errors_count} option(s) need fixing (marked in red).</source>
        <translation>汉{errors_count}汉</translation>
    </message>
    <message>
        <source>There is no unfinished search to resume.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Cannot resume</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{verb} the search ({architecture}, {tuner})…</source>
        <translation>{verb}汉{architecture}汉{tuner}汉</translation>
    </message>
    <message>
        <source>Cannot load that search's options</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Loaded that search's options: change what you like, then press Start.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>A search is running: stop it before resuming another.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>An unfinished search ({name}) can be resumed: press Resume.</source>
        <translation>汉{name}汉</translation>
    </message>
    <message>
        <source>{clock} of {clock2}</source>
        <translation>{clock}汉{clock2}</translation>
    </message>
    <message>
        <source>Display problem</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{objectname} could not show an update: {message}</source>
        <translation>{objectname}汉{message}</translation>
    </message>
    <message>
        <source>The search stopped with an error</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{last_line}

The trials finished so far are kept; you can resume the search.</source>
        <translation>{last_line}汉</translation>
    </message>
    <message>
        <source>Search finished in {duration}.{reason} {best_text}</source>
        <translation>汉{duration}汉{reason} {best_text}</translation>
    </message>
    <message>
        <source>Search stopped.{reason} Resume (Ctrl+Shift+R) continues where it left off.</source>
        <translation>汉{reason}汉</translation>
    </message>
    <message>
        <source>Search failed: {error}</source>
        <translation>汉{error}</translation>
    </message>
    <message>
        <source>The search failed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{error}

The trials finished so far are kept; you can resume the search.</source>
        <translation>{error}汉</translation>
    </message>
    <message>
        <source>{name} – TuneStudio</source>
        <translation>{name}汉</translation>
    </message>
    <message>
        <source>Scanned {root}: {images_count} images in {usable_classes_count} classes. Press Start (Ctrl+R) to search.</source>
        <translation>汉{root}汉{images_count}汉{usable_classes_count}汉</translation>
    </message>
    <message>
        <source>Cannot use that folder: {message}</source>
        <translation>汉{message}</translation>
    </message>
    <message>
        <source>Export needs a finished search.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export the model into folder</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export stopped; nothing was written.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export stopped.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&lt;span style='color:#b00020'&gt;Export failed: {message}&lt;/span&gt;</source>
        <translation>汉汉{message}汉</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Exported to &lt;a href='{url}'&gt;{out_dir}&lt;/a&gt;&lt;br&gt;{verdict}</source>
        <translation>汉汉{out_dir}汉汉{verdict}</translation>
    </message>
    <message>
        <source>Exported to {out_dir}</source>
        <translation>汉{out_dir}</translation>
    </message>
    <message>
        <source>Device: unknown</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Device: {device}</source>
        <translation>汉{device}</translation>
    </message>
    <message>
        <source>Stop the search?</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>A search is running. Stop it and quit? You can resume it later.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Stopping the search, then closing…</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>MisclassifiedGallery</name>
    <message>
        <source>Most confident first</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Least confident first</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>All mistakes</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Class:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Order:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Rows: true class · columns: predicted class. Click a cell to see its images.</source>
        <translation>汉</translation>
    </message>
    <message numerus="yes">
        <source>%n validation image(s)</source>
        <translation>汉<numerusform />
        </translation>
    </message>
    <message>
        <source>All classes</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{file}
true: {true_name} · predicted: {predicted_name} ({confidence:.1%}) · p(true) {true_probability:.1%}</source>
        <translation>{file}汉{true_name}汉{predicted_name}汉{confidence:.1%}汉{true_probability:.1%}</translation>
    </message>
    <message>
        <source>images</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>misclassified images</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>MislabelPanel</name>
    <message>
        <source>Automatic</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Top trials only (fast)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Out-of-fold, %d folds</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Trials that vote:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Training images:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Find Suspects</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Move to Suggested Class</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Move to:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Exclude</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Move out of the dataset, into the .excluded folder beside it</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Undo Last Move</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>%d suspect(s) among %d validation and %d training images, scored by %s.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Nothing moved: %s</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>excluded</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Moved %d file(s); logged in %s.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Cannot undo: %s</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Put back %d file(s).</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>PlaybookMenu</name>
    <message>
        <source>&amp;Playbook</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Double-click a cell to see its images</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Choose a search folder</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Playbook</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{folder} is not a TuneStudio search folder (no search.json).</source>
        <translation>{folder}汉</translation>
    </message>
    <message>
        <source>Open an image folder first.</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>ResultsPage</name>
    <message>
        <source>Export best trial…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export writes a SavedModel, a .keras file, labels.txt and a model card.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export selected trial (#{n})…</source>
        <translation>汉{n}汉</translation>
    </message>
    <message>
        <source>Export best trial (#{n})…</source>
        <translation>汉{n}汉</translation>
    </message>
    <message>
        <source>, epoch {n} (weights kept)</source>
        <translation>汉{n}汉</translation>
    </message>
    <message>
        <source>Best trial #{n}: validation confusion{kept}</source>
        <translation>汉{n}汉{kept}</translation>
    </message>
</context>
<context>
    <name>RunSummary</name>
    <message>
        <source>Best hyperparameters</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Trials</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>No search yet</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Start a search to see its best trial here.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Best {objective}: {score:.4f}</source>
        <translation>汉{objective}汉{score:.4f}</translation>
    </message>
    <message>
        <source>No completed trial</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Search completed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Search cancelled</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Search failed</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Search ended</source>
        <translation>汉</translation>
    </message>
    <message>
        <source> in {duration}</source>
        <translation>汉{duration}</translation>
    </message>
    <message>
        <source>best is trial {n}</source>
        <translation>汉{n}</translation>
    </message>
    <message>
        <source>The search stopped with an error.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Every trial failed or was stopped; see the trial table for the reasons.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Best trial took</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Search took</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Test accuracy</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Saved in</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{n} classes</source>
        <translation>{n}汉</translation>
    </message>
    <message>
        <source>{train} training / {val} validation images</source>
        <translation>{train}汉{val}汉</translation>
    </message>
    <message>
        <source>Search running…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source> (resumed)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Waiting for the first trial to finish</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Best {objective} so far: {score:.4f}</source>
        <translation>汉{objective}汉{score:.4f}</translation>
    </message>
    <message>
        <source>{done}{total} trials done · best is trial {n}</source>
        <translation>{done}{total}汉{n}</translation>
    </message>
    <message>
        <source>{done}{total} trials done</source>
        <translation>{done}{total}汉</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>ScoreScatterView</name>
    <message>
        <source>Open a search to see how each hyperparameter relates to the score.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>No completed trials to plot.</source>
        <translation>汉</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n completed trial(s) against each hyperparameter that varied, largest effect first (effect: the share of the score's variation explained by the hyperparameter, 0 to 1, corrected for chance).</source>
        <translation>汉<numerusform />
        </translation>
    </message>
    <message>
        <source>Same in every trial: %1.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>left</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>bottom</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>log scale</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>TaskPanel</name>
    <message>
        <source>Start</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Starting the training process…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Failed: %s</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>TrialGallery</name>
    <message>
        <source>Trial {trial_id} · score {score:.4f}</source>
        <translation>汉{trial_id}汉{score:.4f}</translation>
    </message>
    <message>
        <source>Compute predictions from the checkpoint</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Trial:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>This search has no completed trial yet.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Cannot read %s (%s).</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>This trial has no saved predictions (an older search).</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Predicting the validation images in the training process…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Could not compute the predictions: %s</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>TrialTable</name>
    <message>
        <source>Trials</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Show only trials with this status</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Unvaried hyperparameters</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Also show hyperparameter columns whose value is the same in every trial</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>{n} trials{total}</source>
        <translation>{n}汉{total}</translation>
    </message>
    <message>
        <source> · {shown} shown</source>
        <translation>汉{shown}汉</translation>
    </message>
</context>
<context>
    <name>WindowChrome</name>
    <message>
        <source>Start</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Resume…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Device: shown when training starts</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Show or hide the options column (hidden while a search runs, to give the live views room)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>1 · Dataset</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&lt;b&gt;Options&lt;/b&gt;</source>
        <translation>汉汉汉</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Search progress</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>2 · Training</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>3 · Results</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>History</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&amp;Open Folder…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Choose an image folder to train on</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&amp;Start Search</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>S&amp;top Search</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&amp;Resume Search…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&amp;Export Model…</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&amp;About TuneStudio</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>System ({language})</source>
        <translation>汉{language}汉</translation>
    </message>
    <message>
        <source>Language saved.</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>The language changes when TuneStudio starts again.</source>
        <translation>汉</translation>
    </message>
</context>
<context>
    <name>WorkersPanel</name>
    <message>
        <source>Other machines</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Let other machines train trials of the next search (distributed search)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>The address to listen on: 127.0.0.1 (this machine only), this machine's address on the network, or 0.0.0.0 (every network)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>optional token</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>New token</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>Workers that train on this machine too (each is its own training process)</source>
        <translation>汉</translation>
    </message>
    <message>
        <source>On each other machine: &lt;code&gt;tunestudio worker --chief {address}{token}&lt;/code&gt; (it must see the search folder at the same path, and the images).</source>
        <translation>汉汉汉{address}{token}汉汉</translation>
    </message>
    <message>
        <source>Workers join with &lt;code&gt;tunestudio worker --chief {chief_address}{value2}&lt;/code&gt;</source>
        <translation>汉汉汉{chief_address}{value2}汉</translation>
    </message>
    <message>
        <source>Anyone who can reach {chief_address} can join this search{value3}.</source>
        <translation>汉{chief_address}汉{value3}汉</translation>
    </message>
</context>
</TS>