// Apache Lucene's side of bm25-lucene.test.ts, run as a single source file:
//   java -cp lucene-core.jar:lucene-analysis-common.jar LuceneParity.java DOCS QUERIES OUT
// DOCS and QUERIES hold one text per line (UTF-8). OUT gets, for every doc then every query, a
// line "T<tab>tokens" (EnglishAnalyzer's tokens, space-separated), then for every query a line
// "Q<tab>doc:score doc:score ..." with its top 4 by BM25Similarity(1.2, 0.75) over the docs,
// each indexed as one TextField "text" (the query: one SHOULD TermQuery per analysed token, as
// the classic query parser builds it).
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

public class LuceneParity {
  static List<String> tokens(Analyzer analyzer, String text) throws Exception {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("text", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) out.add(term.toString());
      ts.end();
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    List<String> docs = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    List<String> queries = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
    Analyzer analyzer = new EnglishAnalyzer();
    BM25Similarity similarity = new BM25Similarity(1.2f, 0.75f);
    try (PrintStream out = new PrintStream(Files.newOutputStream(Path.of(args[2])), false, "UTF-8")) {
      for (String s : docs) out.println("T\t" + String.join(" ", tokens(analyzer, s)));
      for (String s : queries) out.println("T\t" + String.join(" ", tokens(analyzer, s)));

      ByteBuffersDirectory dir = new ByteBuffersDirectory();
      IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(similarity);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int i = 0; i < docs.size(); i++) {
          Document doc = new Document();
          doc.add(new StoredField("n", i));
          doc.add(new TextField("text", docs.get(i), Field.Store.NO));
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        searcher.setSimilarity(similarity);
        for (String q : queries) {
          BooleanQuery.Builder query = new BooleanQuery.Builder();
          for (String t : tokens(analyzer, q)) {
            query.add(new TermQuery(new Term("text", t)), BooleanClause.Occur.SHOULD);
          }
          TopDocs top = searcher.search(query.build(), 4);
          List<String> hits = new ArrayList<>();
          for (ScoreDoc hit : top.scoreDocs) {
            int n = searcher.storedFields().document(hit.doc).getField("n").numericValue().intValue();
            hits.add(n + ":" + hit.score);
          }
          out.println("Q\t" + String.join(" ", hits));
        }
      }
    }
  }
}
